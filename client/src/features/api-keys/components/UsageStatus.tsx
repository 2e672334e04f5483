import { useThresholds } from '../../../app/session';
import type { UsageStatus } from '../../../gql/graphql';
import { USAGE_STATUS } from '../labels';

/** A colour dot for a key's usage status, named for screen readers. */
export function UsageStatusDot({ status }: { status: UsageStatus }) {
  const s = USAGE_STATUS[status];
  const { inactiveAfterDays } = useThresholds();
  return (
    <span className={`usage-dot usage-dot-${s.tone}`} role="img" aria-label={s.label} title={`${s.label}: ${s.description(inactiveAfterDays).toLowerCase()}`} />
  );
}

export function UsageStatusLegend() {
  const { inactiveAfterDays } = useThresholds();
  return (
    <ul className="usage-legend" aria-label="Usage status legend">
      {(['ACTIVE', 'INACTIVE', 'NEVER_USED'] as const).map((status) => (
        <li key={status}>
          <span className={`usage-dot usage-dot-${USAGE_STATUS[status].tone}`} aria-hidden="true" />
          <span>
            {USAGE_STATUS[status].label}
            <span className="muted"> · {USAGE_STATUS[status].description(inactiveAfterDays).toLowerCase()}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
