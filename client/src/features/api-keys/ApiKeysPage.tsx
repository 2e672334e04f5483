import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';

export function ApiKeysPage() {
  return (
    <>
      <PageHeader title="API Keys" description="Create and manage the keys your applications use to send email." />
      <EmptyState title="API key management is coming">
        <p>
          Soon you will create keys with full or sending access, see when each was last used, and remove the ones you
          no longer need — all from here.
        </p>
      </EmptyState>
    </>
  );
}
