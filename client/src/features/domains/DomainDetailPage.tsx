import { useQuery } from '@apollo/client/react';
import { DetailPage } from '../../app/DetailPage';
import { usePageTitle } from '../../app/page-title';
import { useRefreshWhenShown } from '../../app/polling';
import { useIsAdmin } from '../../app/session';
import { useRouteId } from '../../app/url-filters';
import { Button } from '../../ui/Button';
import { PageHeader } from '../../ui/PageHeader';
import { RelativeTime } from '../../ui/RelativeTime';
import { DomainRecordsTable } from './components/DomainRecordsTable';
import { DomainStatus } from './components/DomainsTable';
import { SendingPolicyNotice } from './components/SendingPolicyNotice';
import { DomainDetailQuery } from './documents';
import { useVerifyDomainMutation } from './hooks/useVerifyDomainMutation';
import { isolate, UserText } from '../../ui/UserText';

export function DomainDetailPage() {
  const id = useRouteId();
  // Verified (or checked) meanwhile by a teammate or another tab: what is cached, then what is true now, and again back in this tab.
  const query = useQuery(DomainDetailQuery, { variables: { id }, fetchPolicy: 'cache-and-network' });
  useRefreshWhenShown(query.refetch);
  const shown = query.data?.domain;
  usePageTitle(shown ? `${isolate(shown.name)} · Domains` : 'Domain');
  const isAdmin = useIsAdmin();
  const { verifyDomain, loading: verifying } = useVerifyDomainMutation();
  return (
    <DetailPage query={query} item={query.data?.domain} back={{ to: '/domains', label: 'Domains' }} noun="Domain">
      {(domain) => (
        <>
          <PageHeader
            title={<UserText>{domain.name}</UserText>}
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
            Publish these records at your DNS host, then verify. The return-path MX and SPF records let receivers accept mail sent for{' '}
            <UserText>{domain.name}</UserText>; the DKIM record holds the public key that checks the signature on every email.
          </p>
          <DomainRecordsTable records={domain.records} />
        </>
      )}
    </DetailPage>
  );
}
