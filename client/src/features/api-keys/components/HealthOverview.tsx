import type { HealthOverview_HealthFragment } from '../../../gql/graphql';
import { useThresholds } from '../../../app/session';
import { HEALTH_FILTERS, type HealthFilterId } from '../labels';

/** Counts over all of the team's keys; each card filters the list below, and a second click clears it. */
export function HealthOverview({
  health,
  active,
  onSelect,
}: {
  health: HealthOverview_HealthFragment;
  active: HealthFilterId | undefined;
  onSelect: (id: HealthFilterId | undefined) => void;
}) {
  const { inactiveAfterDays } = useThresholds();
  return (
    <section className="health" aria-label="Key health">
      <button
        type="button"
        className="health-card"
        aria-pressed={active === undefined}
        aria-label={`All keys: ${health.total}`}
        onClick={() => onSelect(undefined)}
      >
        <span className="health-label">All keys</span>
        <span className="health-count">{health.total}</span>
      </button>
      {HEALTH_FILTERS.map((f) => {
        const count = health[f.count];
        // The inactive card names its threshold: "Inactive for 30 days".
        const label = f.id === 'inactive' ? `${f.label} for ${inactiveAfterDays} days` : f.label;
        return (
          <button
            key={f.id}
            type="button"
            className={`health-card${count > 0 && f.id !== 'full-access' ? ' health-card-warn' : ''}`}
            aria-pressed={active === f.id}
            aria-label={`${label}: ${count}`}
            onClick={() => onSelect(active === f.id ? undefined : f.id)}
          >
            <span className="health-label">{label}</span>
            <span className="health-count">{count}</span>
          </button>
        );
      })}
    </section>
  );
}
