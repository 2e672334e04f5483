import { useApolloClient } from '@apollo/client/react';
import { createContext, type ReactNode, useContext } from 'react';
import { graphql } from '../gql';
import type { Session_UserFragment, ThresholdsQuery as ThresholdsData } from '../gql/graphql';

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

/** The server's fixed numbers (inactive after, expiring soon, …): the client words them, never copies them. */
export const ThresholdsQuery = graphql(`
  query Thresholds {
    thresholds {
      inactiveAfterDays
      expiringSoonDays
      exportDownloadDays
      exportInlineMaxRows
    }
  }
`);

export type SessionUser = Session_UserFragment;
export type Thresholds = Omit<ThresholdsData['thresholds'], '__typename'>;

const SessionContext = createContext<SessionUser | null>(null);
const ThresholdsContext = createContext<Thresholds | null>(null);

export function SessionProvider({ user, thresholds, children }: { user: SessionUser; thresholds: Thresholds; children: ReactNode }) {
  return (
    <SessionContext.Provider value={user}>
      <ThresholdsContext.Provider value={thresholds}>{children}</ThresholdsContext.Provider>
    </SessionContext.Provider>
  );
}

/** The signed-in user; only inside routes guarded by RequireAuth. */
export function useCurrentUser(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useCurrentUser is used outside a signed-in route');
  return user;
}

/** The server's thresholds; only inside routes guarded by RequireAuth, which loads them. */
export function useThresholds(): Thresholds {
  const thresholds = useContext(ThresholdsContext);
  if (!thresholds) throw new Error('useThresholds is used outside a signed-in route');
  return thresholds;
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

/** After switchTeam: the new team's keys, loaded afresh (its cache, its WebSocket, its session). */
export function enterTeam(): void {
  window.location.assign('/api-keys');
}
