import { type ReactNode, Suspense, useRef } from 'react';
import { NavLink } from 'react-router';
import { useSignOutMutation } from '../features/auth/hooks/useSignOutMutation';
import { Badge } from '../ui/Badge';
import { useFocusRescue } from '../ui/focus-return';
import { AuditIcon, BroadcastIcon, ContactsIcon, DownloadIcon, GlobeIcon, KeyIcon, LogsIcon, MailIcon, SignOutIcon, UserIcon, UsersIcon } from '../ui/icons';
import { Loading } from '../ui/Loading';
import { Logo } from '../ui/Logo';
import { MailRelayBanner } from './mail-relay';
import { PageErrorBoundary } from './PageErrorBoundary';
import { useCurrentUser } from './session';
import { TeamSwitcher } from './TeamSwitcher';

const NAV = [
  { to: '/api-keys', label: 'API Keys', icon: <KeyIcon /> },
  { to: '/logs', label: 'Logs', icon: <LogsIcon /> },
  { to: '/emails', label: 'Emails', icon: <MailIcon /> },
  { to: '/contacts', label: 'Contacts', icon: <ContactsIcon /> },
  { to: '/broadcasts', label: 'Broadcasts', icon: <BroadcastIcon /> },
  { to: '/domains', label: 'Domains', icon: <GlobeIcon /> },
  { to: '/exports', label: 'Exports', icon: <DownloadIcon /> },
  { to: '/team', label: 'Team', icon: <UsersIcon /> },
  { to: '/audit', label: 'Audit log', icon: <AuditIcon /> },
  { to: '/account', label: 'Account', icon: <UserIcon /> },
] as const;

export function AppShell({ children }: { children: ReactNode }) {
  const me = useCurrentUser();
  const { signOut, loading } = useSignOutMutation();
  const main = useRef<HTMLElement>(null);
  useFocusRescue(main);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-brand">
          <Logo />
        </div>
        <div className="team-switch">
          <span className="team-avatar" aria-hidden="true">
            {(me.team?.name ?? '?').slice(0, 1).toUpperCase()}
          </span>
          <span className="team-name" title={me.team?.name} data-testid="team-name" dir="auto">
            {me.team?.name}
          </span>
          {me.role && <Badge>{me.role === 'ADMIN' ? 'Admin' : 'Member'}</Badge>}
        </div>
        <TeamSwitcher />
        <nav aria-label="Main" className="nav">
          {NAV.map((item) => (
            <NavLink key={item.to} to={item.to} className="nav-link">
              {item.icon}
              <span>{item.label}</span>
            </NavLink>
          ))}
        </nav>
        <div className="sidebar-footer">
          <span className="user-email" title={me.email} data-testid="user-email" dir="auto">
            {me.email}
          </span>
          <button type="button" className="btn btn-ghost btn-sm" onClick={signOut} disabled={loading}>
            <SignOutIcon />
            <span>Sign out</span>
          </button>
        </div>
      </aside>
      <main className="content" id="main" tabIndex={-1} ref={main}>
        <MailRelayBanner />
        <PageErrorBoundary>
          <Suspense fallback={<Loading />}>{children}</Suspense>
        </PageErrorBoundary>
      </main>
    </div>
  );
}
