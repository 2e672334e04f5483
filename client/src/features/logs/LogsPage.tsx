import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';

export function LogsPage() {
  return (
    <>
      <PageHeader title="Logs" description="Every request made with your API keys." />
      <EmptyState title="Request logs are coming">
        <p>
          Soon you will filter requests by key, status and date, and open each one to see its request and response.
        </p>
      </EmptyState>
    </>
  );
}
