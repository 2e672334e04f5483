import { graphql } from '../../gql';

export const MemberRowFragment = graphql(`
  fragment MembersTable_member on Member {
    id
    role
    createdAt
    user {
      id
      email
    }
  }
`);

export const InvitationRowFragment = graphql(`
  fragment InvitationsTable_invitation on Invitation {
    id
    email
    role
    createdAt
    expiresAt
    invitedBy {
      id
      email
    }
  }
`);

/** Pending invitations are for admins only, so members leave them out. */
export const TeamPageQuery = graphql(`
  query TeamPage($isAdmin: Boolean!) {
    team {
      id
      name
      members {
        ...MembersTable_member
      }
      invitations @include(if: $isAdmin) {
        ...InvitationsTable_invitation
      }
    }
  }
`);
