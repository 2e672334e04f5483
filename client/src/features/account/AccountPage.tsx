import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useRefreshWhenShown } from '../../app/polling';
import { queryErrorMessage } from '../../app/errors';
import { usePageTitle } from '../../app/page-title';
import { useCurrentUser } from '../../app/session';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { ChangePasswordForm } from './components/ChangePasswordForm';
import { describeDevice } from './components/device';
import { SessionsTable } from './components/SessionsTable';
import { AccountSessionsQuery } from './documents';
import { useRevokeSessionMutation, useSignOutOtherSessionsMutation } from './hooks/useAccountMutations';
import { UserText } from '../../ui/UserText';

export function AccountPage() {
  usePageTitle('Account');
  const me = useCurrentUser();
  const { data, loading, error, refetch } = useQuery(AccountSessionsQuery);
  // Sign-ins elsewhere, and sessions that ended, while the tab was hidden.
  useRefreshWhenShown(refetch);
  const [confirming, setConfirming] = useState(false);
  const [revokingId, setRevokingId] = useState<string>();
  const { signOutOthers, loading: signingOut } = useSignOutOtherSessionsMutation();
  const { revokeSession } = useRevokeSessionMutation();
  const others = (data?.sessions ?? []).filter((s) => !s.current).length;

  return (
    <>
      <PageHeader
        title="Account"
        description={
          <>
            Signed in as <UserText>{me.email}</UserText>.
          </>
        }
      />
      <section className="section" aria-labelledby="password-heading">
        <h2 id="password-heading" className="section-title">
          Password
        </h2>
        <p className="section-description">Changing it signs you out everywhere else.</p>
        <ChangePasswordForm />
      </section>
      <section className="section" aria-labelledby="sessions-heading">
        <div className="section-header">
          <h2 id="sessions-heading" className="section-title">
            Sessions {data && <span className="count">{data.sessions.length}</span>}
          </h2>
          <Button size="sm" disabled={!others} onClick={() => setConfirming(true)}>
            Sign out other sessions
          </Button>
        </div>
        <p className="section-description">Where you are signed in, in every team. A session lasts until it expires or is signed out.</p>
        {loading && !data ? (
          <Loading label="Loading sessions" />
        ) : error && !data ? (
          <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />
        ) : (
          <SessionsTable
            sessions={data?.sessions ?? []}
            revoking={revokingId}
            onRevoke={async (session) => {
              setRevokingId(session.id);
              await revokeSession(session, describeDevice(session.userAgent));
              setRevokingId(undefined);
            }}
          />
        )}
      </section>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Sign out other sessions"
        description={`${others} other ${others === 1 ? 'session' : 'sessions'} will be signed out at once, in every team. This browser stays signed in.`}
        confirmLabel="Sign out other sessions"
        loading={signingOut}
        onConfirm={async () => {
          if (await signOutOthers()) setConfirming(false);
        }}
      />
    </>
  );
}
