import { Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Loading } from '../ui/Loading';
import { PublicOnly, RequireAuth } from './guards';
import { lazyPage } from './lazy-page';
import { PageErrorBoundary } from './PageErrorBoundary';

const SignInPage = lazyPage(() => import('../features/auth/SignInPage'), 'SignInPage');
const SignUpPage = lazyPage(() => import('../features/auth/SignUpPage'), 'SignUpPage');
const AcceptInvitationPage = lazyPage(() => import('../features/auth/AcceptInvitationPage'), 'AcceptInvitationPage');
const ForgotPasswordPage = lazyPage(() => import('../features/auth/ForgotPasswordPage'), 'ForgotPasswordPage');
const ResetPasswordPage = lazyPage(() => import('../features/auth/ResetPasswordPage'), 'ResetPasswordPage');
const ApiKeysPage = lazyPage(() => import('../features/api-keys/ApiKeysPage'), 'ApiKeysPage');
const ApiKeyDetailPage = lazyPage(() => import('../features/api-keys/ApiKeyDetailPage'), 'ApiKeyDetailPage');
const LogsPage = lazyPage(() => import('../features/logs/LogsPage'), 'LogsPage');
const LogDetailPage = lazyPage(() => import('../features/logs/LogDetailPage'), 'LogDetailPage');
const EmailsPage = lazyPage(() => import('../features/emails/EmailsPage'), 'EmailsPage');
const EmailDetailPage = lazyPage(() => import('../features/emails/EmailDetailPage'), 'EmailDetailPage');
const ContactsPage = lazyPage(() => import('../features/contacts/ContactsPage'), 'ContactsPage');
const BroadcastsPage = lazyPage(() => import('../features/broadcasts/BroadcastsPage'), 'BroadcastsPage');
const DomainsPage = lazyPage(() => import('../features/domains/DomainsPage'), 'DomainsPage');
const DomainDetailPage = lazyPage(() => import('../features/domains/DomainDetailPage'), 'DomainDetailPage');
const ExportsPage = lazyPage(() => import('../features/exports/ExportsPage'), 'ExportsPage');
const ExportDetailPage = lazyPage(() => import('../features/exports/ExportDetailPage'), 'ExportDetailPage');
const TeamPage = lazyPage(() => import('../features/team/TeamPage'), 'TeamPage');
const AuditPage = lazyPage(() => import('../features/audit/AuditPage'), 'AuditPage');
const AccountPage = lazyPage(() => import('../features/account/AccountPage'), 'AccountPage');
const NotFoundPage = lazyPage(() => import('./NotFoundPage'), 'NotFoundPage');

export function AppRoutes() {
  return (
    <PageErrorBoundary>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route element={<PublicOnly />}>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/sign-up" element={<SignUpPage />} />
            <Route path="/forgot-password" element={<ForgotPasswordPage />} />
          </Route>
          <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
          {/* Signed in or not, as an invitation's: a link opened in a browser signed in to another account still works. */}
          <Route path="/reset-password" element={<ResetPasswordPage />} />
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
