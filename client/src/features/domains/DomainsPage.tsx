import { useQuery } from '@apollo/client/react';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { queryErrorMessage } from '../../app/errors';
import { usePageTitle } from '../../app/page-title';
import { useRefreshWhenShown } from '../../app/polling';
import { useIsAdmin } from '../../app/session';
import type { DomainsTable_DomainFragment } from '../../gql/graphql';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { useKeysTiedToDomain } from '../api-keys';
import { ExportButton } from '../exports';
import { AdminsOnlyNote } from '../team';
import { AddDomainDialog } from './components/AddDomainDialog';
import { DomainsTable } from './components/DomainsTable';
import { SendingPolicyNotice } from './components/SendingPolicyNotice';
import { DomainsPageQuery } from './documents';
import { useDeleteDomainMutation } from './hooks/useDeleteDomainMutation';

export function DomainsPage() {
  usePageTitle('Domains');
  // Domains are added, verified and removed by teammates too: what is cached, then what is true now (and again back in this tab).
  const { data, loading, error, refetch } = useQuery(DomainsPageQuery, { fetchPolicy: 'cache-and-network' });
  useRefreshWhenShown(refetch);
  const isAdmin = useIsAdmin();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<DomainsTable_DomainFragment | null>(null);
  const { deleteDomain, loading: deleting } = useDeleteDomainMutation();
  const tied = useKeysTiedToDomain(removing?.id);

  const addButton = isAdmin ? (
    <Button variant="primary" onClick={() => setAdding(true)}>
      Add domain
    </Button>
  ) : null;

  let body: ReactNode;
  if (loading && !data) body = <Loading label="Loading domains" />;
  else if (error && !data) body = <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  else if (!data?.domains.length) {
    body = (
      <EmptyState title="No domains yet" action={addButton}>
        <p>Add the domain you send email from, like updates.example.com.</p>
      </EmptyState>
    );
  } else {
    body = <DomainsTable domains={data.domains} onRemove={isAdmin ? setRemoving : undefined} />;
  }

  return (
    <>
      <PageHeader
        title="Domains"
        description="The domains your team sends email from. Open one for the DNS records to publish and to verify it."
        actions={
          data?.domains.length ? (
            <>
              <ExportButton input={{ resource: 'DOMAINS' }} filterLabels={[]} />
              {addButton}
            </>
          ) : null
        }
      />
      <SendingPolicyNotice />
      {!isAdmin && <AdminsOnlyNote what="add or remove domains" />}
      {body}
      {isAdmin && <AddDomainDialog open={adding} onOpenChange={setAdding} />}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={tied.keys.length > 0 ? 'This domain is in use' : 'Remove domain'}
        description={
          tied.keys.length > 0 ? (
            <>
              <strong dir="auto">{removing?.name}</strong> cannot be removed while{' '}
              {tied.keys.length === 1 ? 'an API key is' : `${tied.keys.length} API keys are`} restricted to it:{' '}
              {tied.keys.map((k, i) => (
                <span key={k.id}>
                  {i > 0 && ', '}
                  <Link to={`/api-keys/${encodeURIComponent(k.id)}`} dir="auto">
                    {k.name}
                  </Link>
                </span>
              ))}
              . Edit or remove {tied.keys.length === 1 ? 'that key' : 'those keys'} first.
            </>
          ) : (
            <>
              <strong dir="auto">{removing?.name}</strong> will be removed from your team. This cannot be undone.
            </>
          )
        }
        confirmLabel="Remove domain"
        blocked={tied.keys.length > 0}
        loading={deleting || tied.loading}
        onConfirm={async () => {
          if (removing && (await deleteDomain(removing))) setRemoving(null);
        }}
      />
    </>
  );
}
