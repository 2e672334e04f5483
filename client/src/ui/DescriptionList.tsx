import type { ReactNode } from 'react';

export type Description = { term: string; details: ReactNode };

/** Term/value pairs for detail pages and dialogs. */
export function DescriptionList({ items, label }: { items: readonly Description[]; label?: string }) {
  return (
    <dl className="details" aria-label={label}>
      {items.map((item) => (
        <div key={item.term} className="details-row">
          <dt>{item.term}</dt>
          <dd>{item.details}</dd>
        </div>
      ))}
    </dl>
  );
}
