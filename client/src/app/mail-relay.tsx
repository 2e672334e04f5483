import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { useIsAdmin } from './session';

export const MailRelayQuery = graphql(`
  query MailRelay {
    sendingPolicy {
      mailRelay
    }
  }
`);

/**
 * Whether mail leaves this server (SMTP_URL is set); undefined until known. Without a relay,
 * invitations and export links stay in the built-in outbox: the pages must not say "we emailed".
 */
export function useMailRelay(): boolean | undefined {
  const { data } = useQuery(MailRelayQuery);
  return data?.sendingPolicy.mailRelay;
}

/** Tells admins, on every page, that mail never leaves this server. */
export function MailRelayBanner() {
  const isAdmin = useIsAdmin();
  const relay = useMailRelay();
  if (!isAdmin || relay !== false) return null;
  return (
    <aside className="notice notice-warning mail-relay-banner" aria-label="Mail relay">
      <p>
        No mail relay is set (<code className="mono">SMTP_URL</code>): invitations, export links and the email you send stay in this server's outbox and reach
        no one. Share invitation and export links yourself.
      </p>
    </aside>
  );
}
