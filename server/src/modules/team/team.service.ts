import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, ErrorCode, forbidden, notFound, unauthenticated } from '../../errors.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { isUuid } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor, UserActor } from '../auth/actor.js';
import {
  assertPasswordUnchanged,
  createSession,
  findAccount,
  hashPassword,
  INVALID_CREDENTIALS,
  type SignedIn,
  verifyCredentials,
} from '../auth/auth.service.js';
import { Session } from '../auth/session.entity.js';
import { memberRole, userActor } from '../auth/session.js';
import { accountEmail, canonicalEmail, checkPassword, emailKey, emailSpellings } from '../auth/validation.js';
import { sendNotice } from '../mail/notice.js';
import { Invitation, Membership, Role, Team, User } from './team.entity.js';
import { lockTeam } from './team.lock.js';

const INVITATION_TTL_MS = 7 * 86_400_000;
const INVALID_INVITATION = 'This invitation is invalid, already used or expired.';

export const findTeam = (em: EntityManager, teamId: string) => em.findOneOrFail(Team, teamId);

export const listMembers = (em: EntityManager, teamId: string) => em.find(Membership, { team: teamId }, { populate: ['user'], orderBy: { createdAt: 'asc' } });

export const listPendingInvitations = (em: EntityManager, teamId: string) =>
  em.find(
    Invitation,
    { team: teamId, acceptedAt: null, expiresAt: { $gt: new Date() } },
    // invitedBy is a GraphQL field: an unloaded reference would answer null for its non-null email.
    { orderBy: { createdAt: 'desc' }, populate: ['invitedBy'] },
  );

export async function inviteMember(
  em: EntityManager,
  services: Services,
  actor: Actor,
  input: { email: string; role: Role },
  ip: string,
): Promise<{ invitation: Invitation; token: string }> {
  // In the spelling accounts are kept in (accountEmail): one person whichever spelling they are invited by.
  const email = accountEmail(input.email);
  if (!Object.values(Role).includes(input.role)) throw badInput('role', 'Choose ADMIN or MEMBER.');
  // Before the throttle, which an invitation that cannot be sent does not spend; again under the lock.
  await assertNotMember(em, actor.teamId, email);
  await services.invitationThrottle.attempt(actor.teamId, ip, email);
  const token = randomToken();
  const invitation = await em.transactional(async (tx) => {
    // One at a time per team, as accepting is: two invitations to one address sent at once (a
    // double click) each deleted the pending ones they saw, none, and left two live links, one of
    // them out of sight of a revoke; and a person who joined meanwhile got an invitation anyway.
    await lockTeam(tx, actor.teamId);
    await assertStillAdmin(tx, actor);
    await assertNotMember(tx, actor.teamId, email);
    // A new invitation replaces any pending one for the same address; the trail says where it went.
    const replaced = await tx.find(Invitation, { team: actor.teamId, email: { $in: emailSpellings(email) }, acceptedAt: null });
    if (replaced.length) await tx.nativeDelete(Invitation, { id: { $in: replaced.map((r) => r.id) } });
    for (const r of replaced)
      recordAudit(tx, actor, 'member.invitation_revoked', r.id, { email: r.email, role: r.role, reason: 'replaced by a new invitation' });
    const inv = new Invitation(
      tx.getReference(Team, actor.teamId),
      email,
      input.role,
      sha256Hex(token),
      new Date(Date.now() + INVITATION_TTL_MS),
      actor.kind === 'user' ? tx.getReference(User, actor.userId) : undefined,
    );
    tx.persist(inv);
    recordAudit(tx, actor, 'member.invited', inv.id, { email, role: input.role });
    return inv;
  });
  await em.populate(invitation, ['invitedBy']);
  const team = await findTeam(em, actor.teamId);
  const link = invitationLink(services, token);
  // Sent after the answer: a slow relay must not hold the admin's request. The invitation stands
  // either way and its token is returned, so an admin can pass the link on by hand.
  // Retried while the relay is down (sendNotice), by this instance.
  void sendNotice(
    services,
    {
      // The domain in punycode, as DNS and SMTP spell it.
      to: emailKey(email),
      subject: `You are invited to join ${team.name} on Keyring`,
      text: `You have been invited to join the team "${team.name}" on Keyring as ${input.role.toLowerCase()}.\n\nAccept the invitation: ${link}\n\nThe link works once and expires in 7 days.`,
      secrets: [token],
    },
    { invitationId: invitation.id },
    // A retry carries this link only while it works: not once the invitation is replaced, renewed, revoked or accepted.
    async () => (await em.fork().count(Invitation, { id: invitation.id, tokenHash: sha256Hex(token), acceptedAt: null, expiresAt: { $gt: new Date() } })) > 0,
  );
  return { invitation, token };
}

export type InvitationPreview = { teamName: string; email: string; expiresAt: Date };

/**
 * What an invitation link is for (the team, the address), so the page that accepts it can say so;
 * null for a token that is unknown, used or expired. The token is the secret: its holder may see this.
 */
export async function previewInvitation(em: EntityManager, token: string): Promise<InvitationPreview | null> {
  if (!token || token.length > 200) return null;
  const invitation = await em.findOne(Invitation, { tokenHash: sha256Hex(token) }, { populate: ['team'] });
  if (!invitation || invitation.acceptedAt || invitation.expiresAt <= new Date()) return null;
  return { teamName: invitation.team.name, email: invitation.email, expiresAt: invitation.expiresAt };
}

export async function acceptInvitation(
  em: EntityManager,
  services: Services,
  input: { token: string; password: string },
  ip: string,
  userAgent?: string,
  /** Set on the second try, after another request created the account this one was creating. */
  retried = false,
): Promise<SignedIn> {
  const invitation = input.token ? await em.findOne(Invitation, { tokenHash: sha256Hex(input.token) }, { populate: ['team'] }) : null;
  if (!invitation || invitation.acceptedAt || invitation.expiresAt <= new Date()) {
    throw badInput('token', INVALID_INVITATION);
  }
  // The account of that address in any spelling: one kept as ann@xn--bcher-kva.example joins with
  // its password when invited as ann@bücher.example, where a second account was made.
  let user = await findAccount(em, invitation.email);
  if (user) {
    // An existing account joins with its own password, never a new one. The inviting admin holds
    // the token, so this is a password check like sign-in and shares its throttle.
    await services.signInThrottle.attempt(invitation.email, ip);
    if (!(await verifyCredentials(em, invitation.email, input.password))) throw unauthenticated(INVALID_CREDENTIALS);
    await services.signInThrottle.succeeded(invitation.email, ip);
  } else {
    checkPassword(input.password);
  }
  const passwordHash = user ? undefined : await hashPassword(input.password);
  const accepting = async (tx: EntityManager) => {
    // Accepts and invitations of a team one at a time (inviteMember).
    await lockTeam(tx, invitation.team.id);
    // The conditional update makes the token single-use even under concurrent accepts.
    const claimed = await tx.nativeUpdate(Invitation, { id: invitation.id, acceptedAt: null, expiresAt: { $gt: new Date() } }, { acceptedAt: new Date() });
    if (claimed !== 1) throw badInput('token', INVALID_INVITATION);
    if (!user) {
      user = new User(canonicalEmail(invitation.email), passwordHash as string);
      tx.persist(user);
    } else {
      // The password checked above is still the account's (as at sign-in): one changed meanwhile
      // ended every other session, and this one, made with the old password, outlived the change.
      await assertPasswordUnchanged(tx, user);
    }
    const team = tx.getReference(Team, invitation.team.id);
    let membership = await tx.findOne(Membership, { team, user });
    if (!membership) {
      membership = new Membership(team, user, invitation.role);
      tx.persist(membership);
    }
    recordAudit(tx, userActor(membership), 'member.joined', membership.id, { role: membership.role });
    return createSession(tx, services, membership, { ip, userAgent });
  };
  let signedIn: SignedIn;
  try {
    signedIn = await em.transactional(accepting);
  } catch (e) {
    // The address got its account meanwhile (another team's invitation accepted, or a sign-up, at
    // the same moment): this was a 500. Once more, as the existing account it now is, which joins
    // with that account's password. The invitation is still pending: the failed claim rolled back.
    if (e instanceof UniqueConstraintViolationException && passwordHash && !retried) {
      em.clear();
      return acceptInvitation(em, services, input, ip, userAgent, true);
    }
    throw e;
  }
  // A new account's own address, as at sign-up (sign-in-throttle.ts).
  if (!passwordHash) return signedIn;
  await services.signInThrottle.remember(invitation.email, ip);
  return signedIn;
}

async function assertNotMember(em: EntityManager, teamId: string, email: string): Promise<void> {
  if (await em.count(Membership, { team: teamId, user: { email: { $in: emailSpellings(email) } } }))
    throw badInput('email', 'This person is already a member of the team.');
}

/**
 * Revokes the team's pending invitations whose current link a user was shown (they sent it, or
 * renewed it), each audited with why. A removed admin who had kept such a link accepted it after
 * the removal and was back in the team, as an admin when that was the invitation's role.
 */
async function revokeLinksShownTo(tx: EntityManager, actor: Actor, userId: string, reason: string): Promise<void> {
  const revoked = await tx.execute<{ id: string; email: string; role: Role }[]>(
    'delete from invitation where team_id = ? and link_issued_by_id = ? and accepted_at is null returning id, email, role',
    [actor.teamId, userId],
  );
  for (const r of revoked) recordAudit(tx, actor, 'member.invitation_revoked', r.id, { email: r.email, role: r.role, reason });
}

/**
 * Under the team's lock, which removing or demoting an admin takes too: the caller is an admin
 * still. One removed or made a member after their request was let in, and before it ran, got a
 * new invitation link after their links had been revoked (revokeLinksShownTo), or promoted,
 * demoted or removed members with the role they no longer had.
 */
async function assertStillAdmin(tx: EntityManager, actor: Actor): Promise<void> {
  if (actor.kind !== 'user') return;
  if ((await memberRole(tx, { userId: actor.userId, teamId: actor.teamId })) !== Role.ADMIN) throw forbidden('Only admins can do this.');
}

/** Under the team's lock (its callers take it), so that two admins cannot demote or remove each other at once. */
async function assertAnotherAdminRemains(em: EntityManager, teamId: string, membership: Membership): Promise<void> {
  if (membership.role !== Role.ADMIN) return;
  const admins = await em.count(Membership, { team: teamId, role: Role.ADMIN });
  if (admins <= 1) throw new AppError(ErrorCode.BAD_USER_INPUT, 'A team needs at least one admin.', { field: 'id' });
}

export async function updateMemberRole(em: EntityManager, actor: Actor, memberId: string, role: Role): Promise<Membership> {
  if (!Object.values(Role).includes(role)) throw badInput('role', 'Choose ADMIN or MEMBER.');
  return em.transactional(async (tx) => {
    await lockTeam(tx, actor.teamId);
    await assertStillAdmin(tx, actor);
    const membership = isUuid(memberId) ? await tx.findOne(Membership, { id: memberId, team: actor.teamId }, { populate: ['user'] }) : null;
    if (!membership) throw notFound('Member');
    if (membership.role === role) return membership;
    if (role === Role.MEMBER) await assertAnotherAdminRemains(tx, actor.teamId, membership);
    const from = membership.role;
    membership.role = role;
    // A member cannot invite: the links they were shown as an admin stop working.
    if (role === Role.MEMBER) await revokeLinksShownTo(tx, actor, membership.user.id, 'the admin shown its link was made a member');
    // Whose role: the membership's id alone names no one once the member is removed.
    recordAudit(tx, actor, 'member.role_changed', membership.id, { userId: membership.user.id, email: membership.user.email, from, to: role });
    return membership;
  });
}

export async function removeMember(em: EntityManager, actor: Actor, memberId: string): Promise<string> {
  return em.transactional(async (tx) => {
    await lockTeam(tx, actor.teamId);
    await assertStillAdmin(tx, actor);
    const membership = isUuid(memberId) ? await tx.findOne(Membership, { id: memberId, team: actor.teamId }, { populate: ['user'] }) : null;
    if (!membership) throw notFound('Member');
    await assertAnotherAdminRemains(tx, actor.teamId, membership);
    // Their sessions in this team end at once.
    await tx.nativeDelete(Session, { team: actor.teamId, user: membership.user.id });
    // And the invitation links they were shown: with one kept, they joined again as its invitee.
    await revokeLinksShownTo(tx, actor, membership.user.id, 'the admin shown its link was removed from the team');
    tx.remove(membership);
    recordAudit(tx, actor, 'member.removed', membership.id, { userId: membership.user.id, email: membership.user.email });
    return memberId;
  });
}

const invitationLink = (services: Services, token: string) => `${services.config.PUBLIC_URL}/accept-invitation?token=${encodeURIComponent(token)}`;

/**
 * Issues a new link for a pending invitation (only a hash of a token is kept, so the old link
 * cannot be shown again): the old link stops working, the new one works for 7 days. Throttled
 * like sending an invitation. Nothing is emailed: the admin passes the link on.
 */
export async function renewInvitationLink(
  em: EntityManager,
  services: Services,
  actor: Actor,
  invitationId: string,
  ip: string,
): Promise<{ invitation: Invitation; link: string }> {
  const pending = { id: invitationId, team: actor.teamId, acceptedAt: null, expiresAt: { $gt: new Date() } };
  const found = isUuid(invitationId) ? await em.findOne(Invitation, pending) : null;
  if (!found) throw notFound('Invitation');
  await services.invitationThrottle.attempt(actor.teamId, ip, found.email);
  const token = randomToken();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  await em.transactional(async (tx) => {
    await lockTeam(tx, actor.teamId);
    await assertStillAdmin(tx, actor);
    // Conditional: an invitation accepted or revoked meanwhile is not revived.
    const renewed = await tx.nativeUpdate(Invitation, pending, {
      tokenHash: sha256Hex(token),
      expiresAt,
      // The admin shown this link now holds it (revokeLinksShownTo).
      linkIssuedBy: actor.kind === 'user' ? actor.userId : null,
    });
    if (renewed !== 1) throw notFound('Invitation');
    recordAudit(tx, actor, 'member.invitation_link_renewed', invitationId, { email: found.email });
  });
  await em.refresh(found, { populate: ['invitedBy'] });
  return { invitation: found, link: invitationLink(services, token) };
}

export async function revokeInvitation(em: EntityManager, actor: Actor, invitationId: string): Promise<string> {
  if (!isUuid(invitationId)) throw notFound('Invitation');
  return em.transactional(async (tx) => {
    await lockTeam(tx, actor.teamId);
    await assertStillAdmin(tx, actor);
    // The row goes: its event keeps whom it invited, and as what, or the trail named no one.
    const [deleted] = await tx.execute<{ email: string; role: Role }[]>(
      'delete from invitation where id = ? and team_id = ? and accepted_at is null returning email, role',
      [invitationId, actor.teamId],
    );
    if (!deleted) throw notFound('Invitation');
    recordAudit(tx, actor, 'member.invitation_revoked', invitationId, { email: deleted.email, role: deleted.role });
    return invitationId;
  });
}

/** The teams a user belongs to, the oldest membership first (the one a sign-in lands in). */
export const teamsOf = (em: EntityManager, userId: string) =>
  em.find(Membership, { user: userId }, { populate: ['team'], orderBy: { createdAt: 'asc', id: 'asc' } });

/**
 * Moves the signed-in user's session to another team of theirs, with a new cookie. Sign-in lands in
 * the oldest team: without this, a user who had joined a second team could reach it again only
 * through a new invitation. A team the user is not in (another's, a missing or malformed id) is not
 * found. The session moves in place (its id, start and expiry stay): a new session beside an ended
 * one let a stolen cookie outlive a password change, a sign-out of other sessions or a revoke that
 * ran while it switched (the delete had not seen the new row); now one of the two finds the row
 * changed or gone.
 */
export async function switchTeam(em: EntityManager, actor: UserActor, teamId: string): Promise<SignedIn> {
  const membership = isUuid(teamId) ? await em.findOne(Membership, { user: actor.userId, team: teamId }, { populate: ['team', 'user'] }) : null;
  if (!membership) throw notFound('Team');
  const token = randomToken();
  const [moved] = await em.execute<{ expires_at: Date }[]>(
    'update session set team_id = ?, token_hash = ? where id = ? and user_id = ? and expires_at > now() returning expires_at',
    [membership.team.id, sha256Hex(token), actor.sessionId, actor.userId],
  );
  if (!moved) throw unauthenticated();
  return { user: membership.user, actor: userActor(membership, actor.sessionId), token, expiresAt: new Date(moved.expires_at) };
}
