import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { writeClipboard } from '../../../ui/CopyField';
import { toast } from '../../../ui/toast';

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
  const [mutate, { loading }] = useMutation(RenewInvitationLinkMutation);
  const copyInvitationLink = async (invitation: { id: string; email: string }): Promise<string | undefined> => {
    let link: string;
    try {
      const { data } = await mutate({ variables: { id: invitation.id } });
      if (!data) return undefined;
      link = data.renewInvitationLink.link;
    } catch (e) {
      reportErrors(e);
      return undefined;
    }
    try {
      await writeClipboard(link);
      toast.success(`Copied a new invitation link for ${invitation.email}`, { description: 'Any earlier link for this invitation no longer works.' });
    } catch {
      // Clipboard access can be refused: the link is shown so that it can be copied by hand.
      toast.message(`New invitation link for ${invitation.email}`, { description: link, duration: 60_000 });
    }
    return link;
  };
  return { copyInvitationLink, loading };
}
