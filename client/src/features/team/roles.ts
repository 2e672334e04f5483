import type { Role } from '../../gql/graphql';

export const ROLE_LABEL: Record<Role, string> = { ADMIN: 'Admin', MEMBER: 'Member' };

export const ROLE_OPTIONS = [
  { value: 'MEMBER', label: 'Member' },
  { value: 'ADMIN', label: 'Admin' },
] as const satisfies readonly { value: Role; label: string }[];

export const toRole = (value: string): Role => (value === 'ADMIN' ? 'ADMIN' : 'MEMBER');
