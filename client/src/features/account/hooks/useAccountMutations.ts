import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors, useFormErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { AccountSessionsQuery } from '../documents';

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`);

export const SignOutOtherSessionsMutation = graphql(`
  mutation SignOutOtherSessions {
    signOutOtherSessions
  }
`);

export const RevokeSessionMutation = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

const ended = (n: number) => (n === 0 ? 'No other session was signed in.' : `Signed out of ${n} other ${n === 1 ? 'session' : 'sessions'}.`);

/** Changes the password; the current and new passwords' errors show beside their fields. */
export function useChangePasswordMutation() {
  const [mutate, { loading }] = useMutation(ChangePasswordMutation, { refetchQueries: [AccountSessionsQuery] });
  const errors = useFormErrors(['currentPassword', 'newPassword'] as const);
  const changePassword = async (input: { currentPassword: string; newPassword: string }): Promise<boolean> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { input } });
      toast.success(`Password changed. ${ended(data?.changePassword ?? 0)}`);
      return true;
    } catch (e) {
      errors.reportInForm(e);
      return false;
    }
  };
  return { changePassword, loading, ...errors };
}

export function useSignOutOtherSessionsMutation() {
  // Awaited: the dialog closes on the list without the other sessions, and its opener already disabled
  // (focus on a button disabled a moment later fell to the body).
  const [mutate, { loading }] = useMutation(SignOutOtherSessionsMutation, { refetchQueries: [AccountSessionsQuery], awaitRefetchQueries: true });
  const signOutOthers = async (): Promise<boolean> => {
    try {
      const { data } = await mutate();
      toast.success(ended(data?.signOutOtherSessions ?? 0));
      return true;
    } catch (e) {
      reportErrors(e);
      return false;
    }
  };
  return { signOutOthers, loading };
}

/** Ended meanwhile (expired, or signed out from elsewhere): the server no longer knows the session. */
const endedMeanwhile = (e: unknown) => CombinedGraphQLErrors.is(e) && e.errors.some((g) => g.extensions?.code === 'NOT_FOUND');

export function useRevokeSessionMutation() {
  const client = useApolloClient();
  const forget = (id: string) => {
    client.cache.evict({ id: client.cache.identify({ __typename: 'Session', id }) });
    client.cache.gc();
  };
  const [mutate, { loading }] = useMutation(RevokeSessionMutation, {
    update(cache, { data }) {
      if (!data) return;
      cache.evict({ id: cache.identify({ __typename: 'Session', id: data.revokeSession }) });
      cache.gc();
    },
  });
  const revokeSession = async (session: { id: string }, what: string): Promise<boolean> => {
    try {
      await mutate({ variables: { id: session.id } });
      toast.success(`Signed out ${what}`);
      return true;
    } catch (e) {
      if (!endedMeanwhile(e)) {
        reportErrors(e);
        return false;
      }
      // What was asked for is done: the row goes rather than stay, refused at each try.
      forget(session.id);
      toast.success(`${what} was already signed out.`);
      return true;
    }
  };
  return { revokeSession, loading };
}
