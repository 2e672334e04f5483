import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { writeClipboard } from '../../../ui/CopyField';
import { toast } from '../../../ui/toast';
import { TeamPageQuery } from '../documents';
import { bidi } from '../../../ui/UserText';

export const RenewInvitationLinkMutation = graphql(`
  mutation RenewInvitationLink($id: ID!) {
    renewInvitationLink(id: $id) {
      link
      invitation {
        id
        expiresAt
      }
    }
  }
`);

/**
 * Copy link: only a hash of an invitation's token is stored, so copying issues a new link (the
 * previous one stops working) and puts it on the clipboard.
 */
export function useRenewInvitationLinkMutation() {
  const client = useApolloClient();
  const [mutate, { loading }] = useMutation(RenewInvitationLinkMutation);
  const copyInvitationLink = async (invitation: { id: string; email: string }): Promise<string | undefined> => {
    let link: string;
    try {
      const { data } = await mutate({ variables: { id: invitation.id } });
      if (!data) return undefined;
      link = data.renewInvitationLink.link;
    } catch (e) {
      if (!(CombinedGraphQLErrors.is(e) && e.errors.some((g) => g.extensions?.code === 'NOT_FOUND'))) {
        reportErrors(e);
        return undefined;
      }
      // Revoked (another tab, another admin) or accepted meanwhile: no link to give, and the team is
      // asked for again so that the page shows it as it is now (a new member included).
      client.cache.evict({ id: client.cache.identify({ __typename: 'Invitation', id: invitation.id }) });
      client.cache.gc();
      toast.error(bidi`The invitation for ${invitation.email} was revoked or accepted meanwhile: there is no link to copy.`);
      await client.refetchQueries({ include: [TeamPageQuery] }).catch(() => undefined);
      return undefined;
    }
    try {
      await writeClipboard(link);
      toast.success(bidi`Copied a new invitation link for ${invitation.email}`, { description: 'Any earlier link for this invitation no longer works.' });
    } catch {
      // Clipboard access can be refused: the link is shown so that it can be copied by hand.
      toast.message(bidi`New invitation link for ${invitation.email}`, { description: link, duration: 60_000 });
    }
    return link;
  };
  return { copyInvitationLink, loading };
}
