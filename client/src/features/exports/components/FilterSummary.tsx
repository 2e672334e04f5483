import { Fragment } from 'react';
import { UserText } from '../../../ui/UserText';
import type { ExportFilterLabel } from '../filters';

/**
 * An export's filters in words, as summarizeFilters writes them ("API key: Production · Status: 4xx",
 * or "All rows"), each value isolated: a key's name or a search is the user's text, in any direction.
 */
export function FilterSummary({ labels }: { labels: readonly ExportFilterLabel[] }) {
  if (labels.length === 0) return 'All rows';
  return labels.map((l, i) => (
    <Fragment key={l.filter}>
      {i > 0 && ' · '}
      {l.label}: <UserText>{l.value}</UserText>
    </Fragment>
  ));
}
