/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment Session_user on User {\n    id\n    email\n    role\n    team {\n      id\n      name\n    }\n  }\n": typeof types.Session_UserFragmentDoc,
    "\n  query Session {\n    me {\n      ...Session_user\n    }\n  }\n": typeof types.SessionDocument,
    "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      ...Session_user\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      ...Session_user\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": typeof types.SignOutDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...Session_user\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  fragment DomainsTable_domain on Domain {\n    id\n    name\n    region\n    status\n    createdAt\n  }\n": typeof types.DomainsTable_DomainFragmentDoc,
    "\n  query DomainsPage {\n    domains {\n      ...DomainsTable_domain\n    }\n  }\n": typeof types.DomainsPageDocument,
    "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      ...DomainsTable_domain\n    }\n  }\n": typeof types.CreateDomainDocument,
    "\n  mutation DeleteDomain($id: ID!) {\n    deleteDomain(id: $id)\n  }\n": typeof types.DeleteDomainDocument,
    "\n  fragment MembersTable_member on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n    }\n  }\n": typeof types.MembersTable_MemberFragmentDoc,
    "\n  fragment InvitationsTable_invitation on Invitation {\n    id\n    email\n    role\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      email\n    }\n  }\n": typeof types.InvitationsTable_InvitationFragmentDoc,
    "\n  query TeamPage($isAdmin: Boolean!) {\n    team {\n      id\n      name\n      members {\n        ...MembersTable_member\n      }\n      invitations @include(if: $isAdmin) {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n": typeof types.TeamPageDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      invitation {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n": typeof types.RemoveMemberDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n": typeof types.RevokeInvitationDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MembersTable_member\n    }\n  }\n": typeof types.UpdateMemberRoleDocument,
};
const documents: Documents = {
    "\n  fragment Session_user on User {\n    id\n    email\n    role\n    team {\n      id\n      name\n    }\n  }\n": types.Session_UserFragmentDoc,
    "\n  query Session {\n    me {\n      ...Session_user\n    }\n  }\n": types.SessionDocument,
    "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      ...Session_user\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      ...Session_user\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": types.SignOutDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...Session_user\n    }\n  }\n": types.SignUpDocument,
    "\n  fragment DomainsTable_domain on Domain {\n    id\n    name\n    region\n    status\n    createdAt\n  }\n": types.DomainsTable_DomainFragmentDoc,
    "\n  query DomainsPage {\n    domains {\n      ...DomainsTable_domain\n    }\n  }\n": types.DomainsPageDocument,
    "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      ...DomainsTable_domain\n    }\n  }\n": types.CreateDomainDocument,
    "\n  mutation DeleteDomain($id: ID!) {\n    deleteDomain(id: $id)\n  }\n": types.DeleteDomainDocument,
    "\n  fragment MembersTable_member on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n    }\n  }\n": types.MembersTable_MemberFragmentDoc,
    "\n  fragment InvitationsTable_invitation on Invitation {\n    id\n    email\n    role\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      email\n    }\n  }\n": types.InvitationsTable_InvitationFragmentDoc,
    "\n  query TeamPage($isAdmin: Boolean!) {\n    team {\n      id\n      name\n      members {\n        ...MembersTable_member\n      }\n      invitations @include(if: $isAdmin) {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n": types.TeamPageDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      invitation {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n": types.RemoveMemberDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n": types.RevokeInvitationDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MembersTable_member\n    }\n  }\n": types.UpdateMemberRoleDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment Session_user on User {\n    id\n    email\n    role\n    team {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment Session_user on User {\n    id\n    email\n    role\n    team {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Session {\n    me {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  query Session {\n    me {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DomainsTable_domain on Domain {\n    id\n    name\n    region\n    status\n    createdAt\n  }\n"): (typeof documents)["\n  fragment DomainsTable_domain on Domain {\n    id\n    name\n    region\n    status\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DomainsPage {\n    domains {\n      ...DomainsTable_domain\n    }\n  }\n"): (typeof documents)["\n  query DomainsPage {\n    domains {\n      ...DomainsTable_domain\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      ...DomainsTable_domain\n    }\n  }\n"): (typeof documents)["\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      ...DomainsTable_domain\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteDomain($id: ID!) {\n    deleteDomain(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteDomain($id: ID!) {\n    deleteDomain(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MembersTable_member on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment MembersTable_member on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment InvitationsTable_invitation on Invitation {\n    id\n    email\n    role\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment InvitationsTable_invitation on Invitation {\n    id\n    email\n    role\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamPage($isAdmin: Boolean!) {\n    team {\n      id\n      name\n      members {\n        ...MembersTable_member\n      }\n      invitations @include(if: $isAdmin) {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamPage($isAdmin: Boolean!) {\n    team {\n      id\n      name\n      members {\n        ...MembersTable_member\n      }\n      invitations @include(if: $isAdmin) {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      invitation {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      invitation {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MembersTable_member\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MembersTable_member\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;