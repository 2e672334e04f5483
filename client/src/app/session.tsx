import { useApolloClient } from '@apollo/client/react';
import { createContext, type ReactNode, useContext } from 'react';
import { graphql } from '../gql';
import type { Session_UserFragment } from '../gql/graphql';

export const SessionUserFragment = graphql(`
  fragment Session_user on User {
    id
    email
    role
    team {
      id
      name
    }
  }
`);

export const SessionQuery = graphql(`
  query Session {
    me {
      ...Session_user
    }
  }
`);

export type SessionUser = Session_UserFragment;

const SessionContext = createContext<SessionUser | null>(null);

export function SessionProvider({ user, children }: { user: SessionUser; children: ReactNode }) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

/** The signed-in user; only inside routes guarded by RequireAuth. */
export function useCurrentUser(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useCurrentUser is used outside a signed-in route');
  return user;
}

export const useIsAdmin = (): boolean => useCurrentUser().role === 'ADMIN';

/**
 * After a sign-in, sign-up or accepted invitation: forgets every cached result (they belonged to
 * the previous session, perhaps another team) and asks the server who is signed in now.
 * Unlike clearStore, resetStore keeps the mounted queries watching, so the guards react.
 */
export function useRefreshSession(): () => Promise<void> {
  const client = useApolloClient();
  return async () => {
    await client.resetStore();
  };
}

/**
 * After signing out: a full page load drops the cache and any WebSocket opened with the old
 * session in one step, so nothing of it lingers in memory.
 */
export function leaveToSignIn(): void {
  window.location.replace('/sign-in');
}
