import { useThresholds } from '../../../app/session';
import type { HealthOverview_HealthFragment } from '../../../gql/graphql';
import { HEALTH_FILTERS, type HealthFilterId } from '../labels';

const WARN = new Set<HealthFilterId>(['inactive', 'expiring-soon', 'disabled']);

/**
 * Counts over all of the team's keys; each card filters the list below, and a second click clears
 * it. A card's name is its visible text ("Never used 0"): an aria-label that differs from what is
 * shown fails voice control (axe label-content-name-mismatch).
 */
export function HealthOverview({
  health,
  active,
  onSelect,
}: {
  health: HealthOverview_HealthFragment;
  active: HealthFilterId | undefined;
  onSelect: (id: HealthFilterId | undefined) => void;
}) {
  const { inactiveAfterDays, expiringSoonDays } = useThresholds();
  return (
    <section className="health" aria-label="Key health">
      <button type="button" className="health-card" aria-pressed={active === undefined} onClick={() => onSelect(undefined)}>
        <span className="health-label">All keys</span> <span className="health-count">{health.total}</span>
      </button>
      {HEALTH_FILTERS.map((f) => {
        const count = health[f.count];
        // The inactive and expiring cards name their thresholds: "Inactive for 30 days", "Expiring within 7 days".
        const label =
          f.id === 'inactive' ? `${f.label} for ${inactiveAfterDays} days` : f.id === 'expiring-soon' ? `Expiring within ${expiringSoonDays} days` : f.label;
        return (
          <button
            key={f.id}
            type="button"
            // Amber only where the legend says amber (inactive) or a key needs action; never used stays grey.
            className={`health-card${count > 0 && WARN.has(f.id) ? ' health-card-warn' : ''}`}
            aria-pressed={active === f.id}
            onClick={() => onSelect(active === f.id ? undefined : f.id)}
          >
            <span className="health-label">{label}</span> <span className="health-count">{count}</span>
          </button>
        );
      })}
    </section>
  );
}
