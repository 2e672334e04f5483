import { useQuery } from '@apollo/client/react';
import { graphql } from '../../../gql';
import { UserText } from '../../../ui/UserText';

export const TeamAdminsQuery = graphql(`
  query TeamAdmins {
    team {
      id
      members {
        id
        role
        user {
          id
          email
        }
      }
    }
  }
`);

/**
 * Tells a member why a page's buttons are missing and whom to ask: "Only admins can create keys.
 * Ask an admin: ada@example.com."
 */
export function AdminsOnlyNote({ what }: { what: string }) {
  const { data } = useQuery(TeamAdminsQuery);
  const admins = (data?.team?.members ?? []).filter((m) => m.role === 'ADMIN').map((m) => m.user.email);
  return (
    <p className="admins-note" role="note">
      Only admins can {what}.
      {admins.length > 0 && (
        <>
          {' '}
          Ask {admins.length === 1 ? 'the admin' : 'an admin'}: <UserText>{admins.join(', ')}</UserText>.
        </>
      )}
    </p>
  );
}
