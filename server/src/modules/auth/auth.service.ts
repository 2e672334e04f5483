import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hash, verify } from '@node-rs/argon2';
import { badInput, forbidden, unauthenticated } from '../../errors.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import type { Services } from '../../services.js';
import { recordAudit } from '../audit/audit.service.js';
import { Membership, Role, Team, User } from '../team/team.entity.js';
import type { UserActor } from './actor.js';
import { Session } from './session.entity.js';
import { userActor } from './session.js';
import { accountEmail, canonicalEmail, checkName, checkPassword, emailSpellings } from './validation.js';

export const INVALID_CREDENTIALS = 'Invalid email or password.';
export const NO_TEAM = 'This account is no longer a member of any team: ask a team admin to invite you again.';
const EMAIL_TAKEN = 'An account with this email already exists. Sign in instead.';
export const SIGN_UP_CLOSED = 'Sign-up is closed on this server: ask a team admin for an invitation.';

const anyUser = async (em: EntityManager) => (await em.execute<{ any: boolean }[]>('select exists (select 1 from app_user) as "any"'))[0].any;

/** ALLOW_SIGNUP, or the very first account of a server where it is false. */
export async function signUpAllowed(em: EntityManager, services: Services): Promise<boolean> {
  return services.config.ALLOW_SIGNUP || !(await anyUser(em));
}

// argon2id with OWASP's recommended memory cost: memory-hard, tens of milliseconds here.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
/**
 * Hashed in Unicode NFC (NIST SP 800-63B 5.1.1.2 asks for a normalised form): `Grüße` set
 * decomposed (pasted on macOS) was a wrong password typed composed, and the other way round.
 */
export const hashPassword = (password: string) => hash(password.normalize('NFC'), ARGON2);

/** A password against its hash: in NFC, or as typed for a hash made before passwords were normalised. */
async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  const nfc = password.normalize('NFC');
  if (await verify(passwordHash, nfc).catch(() => false)) return true;
  return nfc !== password && (await verify(passwordHash, password).catch(() => false));
}
// Verified against when the email is unknown, so both failures take the same time.
let dummyHash: Promise<string> | undefined;

export type SignedIn = { user: User; actor: UserActor; token: string; expiresAt: Date };

/** The browser a session was started from, shown to its owner in their list of sessions. */
export type Device = { ip: string; userAgent?: string };

export function createSession(em: EntityManager, services: Services, membership: Membership, device?: Device): SignedIn {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + services.config.SESSION_TTL_DAYS * 86_400_000);
  const session = new Session(sha256Hex(token), membership.user, membership.team, expiresAt, device);
  em.persist(session);
  return { user: membership.user, actor: userActor(membership, session.id), token, expiresAt };
}

export async function signUp(
  em: EntityManager,
  services: Services,
  input: { email: string; password: string; teamName: string },
  ip: string,
  userAgent?: string,
): Promise<SignedIn> {
  const email = accountEmail(input.email);
  checkPassword(input.password);
  const teamName = checkName(input.teamName, 'teamName', 'Team name', 100);
  if (!(await signUpAllowed(em, services))) throw forbidden(SIGN_UP_CLOSED);
  await services.signUpThrottle.attempt(ip);
  // In any spelling: an account kept in another (punycode, decomposed) before addresses were canonical.
  if (await em.count(User, { email: { $in: emailSpellings(email) } })) throw badInput('email', EMAIL_TAKEN);
  const passwordHash = await hashPassword(input.password);
  let signedIn: SignedIn;
  try {
    signedIn = await em.transactional(async (tx) => {
      if (!services.config.ALLOW_SIGNUP) {
        // Two first sign-ups at once: the lock makes the second see the first's account.
        await tx.execute('select pg_advisory_xact_lock(hashtext(?))', ['keyring-first-account']);
        if (await anyUser(tx)) throw forbidden(SIGN_UP_CLOSED);
      }
      const team = new Team(teamName);
      const user = new User(email, passwordHash);
      const membership = new Membership(team, user, Role.ADMIN);
      tx.persist([team, user, membership]);
      recordAudit(tx, userActor(membership), 'team.created', team.id);
      return createSession(tx, services, membership, { ip, userAgent });
    });
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) throw badInput('email', EMAIL_TAKEN);
    throw e;
  }
  // The owner's own address: a stranger's guesses never slow their sign-in from it.
  await services.signInThrottle.remember(email, ip);
  return signedIn;
}

/**
 * The account of an address in any of its spellings (emailSpellings): `ann@xn--bcher-kva.example`
 * signs in to the account of `ann@bücher.example`, `josé@` typed decomposed to the one typed
 * composed. The address as given first: one kept in two spellings before addresses were canonical.
 */
export async function findAccount(em: EntityManager, email: string): Promise<User | null> {
  const exact = await em.findOne(User, { email });
  if (exact) return exact;
  return em.findOne(User, { email: { $in: emailSpellings(email) } }, { orderBy: { createdAt: 'asc' } });
}

/** Checks a password the same way whether or not the account exists. */
export async function verifyCredentials(em: EntityManager, email: string, password: string): Promise<User | null> {
  const user = await findAccount(em, email);
  if (!user) {
    dummyHash ??= hashPassword('not-a-real-password');
    await passwordMatches(await dummyHash, password);
    return null;
  }
  return (await passwordMatches(user.passwordHash, password)) ? user : null;
}

export async function signIn(
  em: EntityManager,
  services: Services,
  input: { email: string; password: string },
  ip: string,
  userAgent?: string,
): Promise<SignedIn> {
  const email = canonicalEmail(input.email);
  if (!email || !input.password || email.length > 254 || input.password.length > 1024) {
    throw unauthenticated(INVALID_CREDENTIALS);
  }
  await services.signInThrottle.attempt(email, ip);
  // As typed first (an account kept so before addresses were canonical), then in any spelling.
  const user = await verifyCredentials(em, input.email.trim().toLowerCase(), input.password);
  if (!user) throw unauthenticated(INVALID_CREDENTIALS);
  // A user removed from every team has nowhere to land. Told so only with the right password (it
  // says nothing to anyone without it): "Invalid email or password" sent them looking for a typo.
  const membership = await em.findOne(Membership, { user }, { orderBy: { createdAt: 'asc' }, populate: ['team'] });
  if (!membership) throw unauthenticated(NO_TEAM);
  await services.signInThrottle.succeeded(email, ip);
  return em.transactional(async (tx) => {
    await assertPasswordUnchanged(tx, user);
    return createSession(tx, services, membership, { ip, userAgent });
  });
}

/**
 * A session is started only if the password just checked is still the account's: the row is
 * read FOR SHARE, so a password change (FOR UPDATE) either ends this session with the others or
 * makes this check fail. A sign-in racing a change kept a session made with the old password.
 */
export async function assertPasswordUnchanged(tx: EntityManager, user: User): Promise<void> {
  const [row] = await tx.execute<{ password_hash: string }[]>('select password_hash from app_user where id = ? for share', [user.id]);
  if (row?.password_hash !== user.passwordHash) throw unauthenticated(INVALID_CREDENTIALS);
}

/**
 * Ends the session the request acts for, and the one its cookie names. They differ once the same
 * request moved the session (switchTeam) or renewed its token (changePassword): by the cookie
 * alone, the session stayed live under its new token, out of the browser's reach.
 */
export async function signOut(em: EntityManager, actor: UserActor | null, sessionToken: string | undefined): Promise<void> {
  const ids = actor?.sessionId ? [{ id: actor.sessionId }] : [];
  const where = sessionToken ? [...ids, { tokenHash: sha256Hex(sessionToken) }] : ids;
  if (where.length) await em.nativeDelete(Session, { $or: where });
}
