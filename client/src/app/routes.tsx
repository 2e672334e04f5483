import { type ComponentType, lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Loading } from '../ui/Loading';
import { PublicOnly, RequireAuth } from './guards';
import { PageErrorBoundary } from './PageErrorBoundary';

/** Splits a page into its own chunk; pages use named exports. */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}

const SignInPage = page(() => import('../features/auth/SignInPage'), 'SignInPage');
const SignUpPage = page(() => import('../features/auth/SignUpPage'), 'SignUpPage');
const AcceptInvitationPage = page(() => import('../features/auth/AcceptInvitationPage'), 'AcceptInvitationPage');
const ApiKeysPage = page(() => import('../features/api-keys/ApiKeysPage'), 'ApiKeysPage');
const ApiKeyDetailPage = page(() => import('../features/api-keys/ApiKeyDetailPage'), 'ApiKeyDetailPage');
const LogsPage = page(() => import('../features/logs/LogsPage'), 'LogsPage');
const LogDetailPage = page(() => import('../features/logs/LogDetailPage'), 'LogDetailPage');
const EmailsPage = page(() => import('../features/emails/EmailsPage'), 'EmailsPage');
const EmailDetailPage = page(() => import('../features/emails/EmailDetailPage'), 'EmailDetailPage');
const ContactsPage = page(() => import('../features/contacts/ContactsPage'), 'ContactsPage');
const BroadcastsPage = page(() => import('../features/broadcasts/BroadcastsPage'), 'BroadcastsPage');
const DomainsPage = page(() => import('../features/domains/DomainsPage'), 'DomainsPage');
const DomainDetailPage = page(() => import('../features/domains/DomainDetailPage'), 'DomainDetailPage');
const ExportsPage = page(() => import('../features/exports/ExportsPage'), 'ExportsPage');
const ExportDetailPage = page(() => import('../features/exports/ExportDetailPage'), 'ExportDetailPage');
const TeamPage = page(() => import('../features/team/TeamPage'), 'TeamPage');
const AuditPage = page(() => import('../features/audit/AuditPage'), 'AuditPage');
const AccountPage = page(() => import('../features/account/AccountPage'), 'AccountPage');
const NotFoundPage = page(() => import('./NotFoundPage'), 'NotFoundPage');

export function AppRoutes() {
  return (
    <PageErrorBoundary>
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
            <Route path="/api-keys/:id" element={<ApiKeyDetailPage />} />
            <Route path="/logs" element={<LogsPage />} />
            <Route path="/logs/:id" element={<LogDetailPage />} />
            <Route path="/emails" element={<EmailsPage />} />
            <Route path="/emails/:id" element={<EmailDetailPage />} />
            <Route path="/contacts" element={<ContactsPage />} />
            <Route path="/broadcasts" element={<BroadcastsPage />} />
            <Route path="/domains" element={<DomainsPage />} />
            <Route path="/domains/:id" element={<DomainDetailPage />} />
            <Route path="/exports" element={<ExportsPage />} />
            <Route path="/exports/:id" element={<ExportDetailPage />} />
            <Route path="/team" element={<TeamPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </Suspense>
    </PageErrorBoundary>
  );
}
