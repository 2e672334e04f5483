import { describe, expect, it } from 'vitest';
import { Permission } from '../api-key/api-key.entity.js';
import { Role } from '../team/team.entity.js';
import {
  type Actor,
  canAdministerTeam,
  canManage,
  canRead,
  canSend,
  requireManager,
  requireNoKey,
  requireReader,
  requireTeamAdmin,
  requireUser,
} from './actor.js';

// The role table of actor.ts, one caller at a time; the API tests (role-matrix) drive it over HTTP.
const admin: Actor = { kind: 'user', userId: 'u1', teamId: 't1', role: Role.ADMIN, sessionId: 's1' };
const member: Actor = { kind: 'user', userId: 'u2', teamId: 't1', role: Role.MEMBER, sessionId: 's2' };
const full: Actor = { kind: 'apiKey', apiKeyId: 'k1', teamId: 't1', permission: Permission.FULL_ACCESS, domainId: null };
const sending: Actor = { kind: 'apiKey', apiKeyId: 'k2', teamId: 't1', permission: Permission.SENDING_ACCESS, domainId: 'd1' };

/** What a guard does: 'ok', or the error code and message it throws. */
function outcome(guard: (a: Actor | null) => unknown, actor: Actor | null) {
  try {
    const returned = guard(actor);
    return returned === undefined || returned === actor ? 'ok' : 'changed';
  } catch (e) {
    const err = e as { code?: string; extensions?: { code?: string }; message: string };
    return `${err.code ?? err.extensions?.code}: ${err.message}`;
  }
}

describe('who may do what', () => {
  it('answers each capability for each kind of caller', () => {
    const table = [admin, member, full, sending].map((a) => [canRead(a), canManage(a), canAdministerTeam(a), canSend(a)]);
    expect(table).toEqual([
      [true, true, true, false],
      [true, false, false, false],
      [true, true, false, true],
      [false, false, false, true],
    ]);
  });

  it('each guard lets the right callers through and refuses the others with its own message', () => {
    const SENDING = 'FORBIDDEN: This API key has sending access only.';
    const ADMINS = 'FORBIDDEN: Only admins can do this.';
    const USERS = 'FORBIDDEN: This operation needs a signed-in user; API keys cannot call it.';
    const NO_KEYS = 'FORBIDDEN: API keys cannot sign up, sign in, sign out or accept invitations.';
    const ANON = 'UNAUTHENTICATED: You must be signed in.';
    const guards = { requireReader, requireManager, requireUser, requireTeamAdmin, requireNoKey };
    const rows = Object.fromEntries(Object.entries(guards).map(([name, g]) => [name, [admin, member, full, sending, null].map((a) => outcome(g, a))]));
    expect(rows).toEqual({
      requireReader: ['ok', 'ok', 'ok', SENDING, ANON],
      requireManager: ['ok', ADMINS, 'ok', SENDING, ANON],
      requireUser: ['ok', 'ok', USERS, SENDING, ANON],
      requireTeamAdmin: ['ok', ADMINS, USERS, SENDING, ANON],
      requireNoKey: ['ok', 'ok', NO_KEYS, NO_KEYS, 'ok'],
    });
  });
});
