import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';

export function ExportsPage() {
  return (
    <>
      <PageHeader title="Exports" description="CSV exports of your team's data." />
      <EmptyState title="Exports are coming">
        <p>Soon you will export emails, contacts, logs and API keys as CSV, and follow long exports as they run.</p>
      </EmptyState>
    </>
  );
}
