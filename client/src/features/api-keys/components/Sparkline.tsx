import { plural } from '../labels';

const W = 70;
const H = 20;

/** The last 7 days of requests as bars, today last, and the share that failed. */
export function RecentUsage({ requests, errorRate }: { requests: readonly number[]; errorRate: number | null | undefined }) {
  const total = requests.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...requests);
  const step = W / Math.max(1, requests.length);
  const rate = errorRate === null || errorRate === undefined ? null : Math.round(errorRate * 1000) / 10;
  const label = `${plural(total, 'request', 'requests')} in the last 7 days${rate === null ? '' : `, ${rate}% errors`}`;
  return (
    <span className="recent-usage">
      <svg className="sparkline" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
        {requests.map((n, i) => {
          const h = n === 0 ? 1 : Math.max(2, (n / max) * H);
          return (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: one bar per day, in order
              key={i}
              className={n === 0 ? 'sparkline-bar sparkline-bar-empty' : 'sparkline-bar'}
              x={i * step + 1}
              y={H - h}
              width={step - 2}
              height={h}
            />
          );
        })}
      </svg>
      <span className={rate !== null && rate > 0 ? 'error-rate error-rate-some' : 'error-rate'} aria-hidden="true">
        {rate === null ? '—' : `${rate}%`}
      </span>
    </span>
  );
}
