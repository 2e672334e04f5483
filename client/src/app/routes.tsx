import { type ComponentType, lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Loading } from '../ui/Loading';
import { PublicOnly, RequireAuth } from './guards';

/** Splits a page into its own chunk; pages use named exports. */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}

const SignInPage = page(() => import('../features/auth/SignInPage'), 'SignInPage');
const SignUpPage = page(() => import('../features/auth/SignUpPage'), 'SignUpPage');
const AcceptInvitationPage = page(() => import('../features/auth/AcceptInvitationPage'), 'AcceptInvitationPage');
const ApiKeysPage = page(() => import('../features/api-keys/ApiKeysPage'), 'ApiKeysPage');
const LogsPage = page(() => import('../features/logs/LogsPage'), 'LogsPage');
const DomainsPage = page(() => import('../features/domains/DomainsPage'), 'DomainsPage');
const ExportsPage = page(() => import('../features/exports/ExportsPage'), 'ExportsPage');
const TeamPage = page(() => import('../features/team/TeamPage'), 'TeamPage');
const NotFoundPage = page(() => import('./NotFoundPage'), 'NotFoundPage');

export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route element={<PublicOnly />}>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/sign-up" element={<SignUpPage />} />
        </Route>
        <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
        <Route element={<RequireAuth />}>
          <Route index element={<Navigate to="/api-keys" replace />} />
          <Route path="/api-keys" element={<ApiKeysPage />} />
          <Route path="/logs" element={<LogsPage />} />
          <Route path="/domains" element={<DomainsPage />} />
          <Route path="/exports" element={<ExportsPage />} />
          <Route path="/team" element={<TeamPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
