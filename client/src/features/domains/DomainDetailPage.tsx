import { useQuery } from '@apollo/client/react';
import { Link, useParams } from 'react-router';
import { queryErrorMessage } from '../../app/errors';
import { useIsAdmin } from '../../app/session';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { RelativeTime } from '../../ui/RelativeTime';
import { DomainRecordsTable } from './components/DomainRecordsTable';
import { DomainStatus } from './components/DomainsTable';
import { SendingPolicyNotice } from './components/SendingPolicyNotice';
import { DomainDetailQuery } from './documents';
import { useVerifyDomainMutation } from './hooks/useVerifyDomainMutation';
import './domains.css';

export function DomainDetailPage() {
  const { id = '' } = useParams();
  const { data, loading, error, refetch } = useQuery(DomainDetailQuery, { variables: { id } });
  const isAdmin = useIsAdmin();
  const { verifyDomain, loading: verifying } = useVerifyDomainMutation();
  const back = (
    <p className="back-link">
      <Link to="/domains">← Domains</Link>
    </p>
  );

  if (loading && !data) return <Loading label="Loading the domain" />;
  if (error && !data) return <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  const domain = data?.domain;
  if (!domain) {
    return (
      <>
        {back}
        <EmptyState title="Domain not found">
          <p>It may belong to another team, or the link is mistyped.</p>
        </EmptyState>
      </>
    );
  }

  return (
    <>
      {back}
      <PageHeader
        title={domain.name}
        description={
          <>
            <DomainStatus status={domain.status} /> <span className="mono">{domain.region}</span>
            {' · '}
            {domain.checkedAt ? (
              <>
                checked <RelativeTime value={domain.checkedAt} />
              </>
            ) : (
              'not checked yet'
            )}
          </>
        }
        actions={
          isAdmin ? (
            <Button variant="primary" loading={verifying} onClick={() => verifyDomain(domain.id)}>
              Verify DNS records
            </Button>
          ) : null
        }
      />
      <SendingPolicyNotice />
      <p>
        Publish these records at your DNS host, then verify. The return-path MX and SPF records let receivers accept mail sent for {domain.name}; the DKIM
        record holds the public key that checks the signature on every email.
      </p>
      <DomainRecordsTable records={domain.records} />
    </>
  );
}
