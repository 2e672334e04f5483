import { format, parseISO } from 'date-fns';
import { useId } from 'react';
import { plural } from '../labels';

export type UsageBucket = { date: string; requests: number; errors: number };

const HEIGHT = 120;
const BAR_GAP = 2;

// The server counts requests per UTC day: in Auckland, "today" falls partly in yesterday's UTC
// bucket. The labels say so rather than pass a UTC day off as a local one.
const dayLabel = (date: string) => format(parseISO(date), 'MMM d');
const utcDayLabel = (date: string) => `${dayLabel(date)} (UTC)`;

/**
 * Requests (and the errors among them) per day, as plain SVG bars: 30 bars need no chart library.
 * Screen readers get a summary and the same numbers as a table.
 */
export function UsageChart({ buckets }: { buckets: readonly UsageBucket[] }) {
  const id = useId();
  const total = buckets.reduce((n, b) => n + b.requests, 0);
  const errors = buckets.reduce((n, b) => n + b.errors, 0);
  const max = Math.max(1, ...buckets.map((b) => b.requests));
  const width = Math.max(1, buckets.length) * 12;
  const barWidth = 12 - BAR_GAP;
  const scale = (n: number) => (n / max) * (HEIGHT - 4);
  const summary = `${plural(total, 'request', 'requests')} and ${plural(errors, 'error', 'errors')} in the last ${plural(buckets.length, 'day', 'days')}`;
  return (
    <figure className="usage-chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="usage-chart-caption">
        <span>Requests per day (UTC)</span>
        <span className="muted">{summary}</span>
      </figcaption>
      <div className="usage-chart-plot">
        <span className="usage-chart-max muted" aria-hidden="true">
          {max}
        </span>
        <svg viewBox={`0 0 ${width} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`Bar chart: ${summary}`} className="usage-chart-svg">
          <line x1="0" y1={HEIGHT - 0.5} x2={width} y2={HEIGHT - 0.5} className="usage-chart-axis" />
          {buckets.map((b, i) => (
            <g key={b.date}>
              <title>{`${utcDayLabel(b.date)}: ${plural(b.requests, 'request', 'requests')}, ${plural(b.errors, 'error', 'errors')}`}</title>
              {/* A full-height invisible target, so hovering any day shows its numbers. */}
              <rect x={i * 12} y="0" width={12} height={HEIGHT} className="usage-chart-hit" />
              {b.requests > 0 && (
                <rect x={i * 12 + BAR_GAP / 2} y={HEIGHT - scale(b.requests)} width={barWidth} height={scale(b.requests)} className="usage-chart-bar" />
              )}
              {b.errors > 0 && (
                <rect x={i * 12 + BAR_GAP / 2} y={HEIGHT - scale(b.errors)} width={barWidth} height={scale(b.errors)} className="usage-chart-bar-error" />
              )}
            </g>
          ))}
        </svg>
      </div>
      {buckets.length > 0 && (
        <div className="usage-chart-footer muted" aria-hidden="true">
          <span>{utcDayLabel(buckets[0].date)}</span>
          <span className="usage-chart-key">
            <span className="usage-chart-swatch" /> Requests <span className="usage-chart-swatch usage-chart-swatch-error" /> Errors
          </span>
          <span>{utcDayLabel(buckets[buckets.length - 1].date)}</span>
        </div>
      )}
      <table className="sr-only">
        <caption>Requests and errors per day (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            <th scope="col">Requests</th>
            <th scope="col">Errors</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.date}>
              <th scope="row">{dayLabel(b.date)}</th>
              <td>{b.requests}</td>
              <td>{b.errors}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
