import { useQuery } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { AppSkeleton, ErrorState, Loading } from '../ui/Loading';
import { SessionEndedDialog } from '../features/auth';
import { useFormOpen, useSecretShown } from '../ui/secret-shown';
import { AppShell } from './AppShell';
import { queryErrorMessage } from './errors';
import { SessionProvider, SessionQuery, type SessionUser, ThresholdsQuery } from './session';

function returnTo(state: unknown): string {
  const from = state && typeof state === 'object' && 'from' in state ? state.from : undefined;
  // Only paths inside the app, never another origin.
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : '/api-keys';
}

/** Whether sign-in was reached because a session ended while in use (RequireAuth's `ended`), not from a plain visit. */
export function sessionEnded(state: unknown): boolean {
  return Boolean(state && typeof state === 'object' && 'ended' in state && state.ended === true);
}

/** The dashboard: signed-in users only; everyone else goes to /sign-in and comes back after. */
export function RequireAuth() {
  const { data, loading, error, refetch } = useQuery(SessionQuery);
  const thresholds = useQuery(ThresholdsQuery);
  const location = useLocation();
  // Someone was signed in on this page: if the session goes (expired, signed out elsewhere,
  // removed from the team), sign-in says so rather than appearing out of nowhere mid-action.
  const wasSignedIn = useRef(false);
  if (data?.me) wasSignedIn.current = true;
  // A token or link shown once stays until Done even if the session ends meanwhile (signed out in
  // another tab): going to sign-in at once threw it away before it could be copied.
  const lastUser = useRef<SessionUser | null>(null);
  if (data?.me) lastUser.current = data.me;
  const secretShown = useSecretShown();
  // A form being filled in stays too, with a prompt to sign in again over it (or leave for sign-in):
  // going to sign-in at once threw away what was typed.
  const formOpen = useFormOpen();
  const [leaving, setLeaving] = useState(false);
  const askAgain = !data?.me && formOpen && !secretShown && !leaving && lastUser.current !== null;
  const user = data?.me ?? (secretShown || askAgain ? lastUser.current : null);
  if ((loading && !data) || (thresholds.loading && !thresholds.data)) return <AppSkeleton />;
  if (error && !data) return <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  if (!user) {
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}`, ended: wasSignedIn.current }} />;
  }
  if (!thresholds.data) {
    if (!thresholds.error) return <AppSkeleton />;
    return <ErrorState message={queryErrorMessage(thresholds.error)} onRetry={() => thresholds.refetch()} />;
  }
  return (
    <SessionProvider user={user} thresholds={thresholds.data.thresholds}>
      <AppShell>
        <Outlet />
      </AppShell>
      {askAgain && <SessionEndedDialog user={user} onLeave={() => setLeaving(true)} />}
    </SessionProvider>
  );
}

/** Sign-in and sign-up: a signed-in user is sent on to where they were going. */
export function PublicOnly() {
  const { data, loading, error, refetch } = useQuery(SessionQuery);
  const location = useLocation();
  if (loading && !data) return <Loading />;
  if (error && !data) return <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  if (data?.me) return <Navigate to={returnTo(location.state)} replace />;
  return <Outlet />;
}
