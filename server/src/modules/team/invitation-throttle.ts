import type { MikroORM } from '@mikro-orm/postgresql';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { budgetStore, type Take, takeFromEvery } from '../../lib/budgets.js';
import { sha256Hex } from '../../lib/crypto.js';
import { addressKey } from '../auth/sign-in-throttle.js';
import { emailKey } from '../auth/validation.js';

/** Invitations one team may send in an hour. */
export const INVITATIONS_PER_TEAM_PER_HOUR = 20;
/** Invitations sent from one address (IPv6: its /64) in an hour, for any teams. */
export const INVITATIONS_PER_ADDRESS_PER_HOUR = 50;
/**
 * Invitations one email address may receive in a day from one team: no one's mailbox is a target.
 * Per team, not for all teams together: a shared budget let any team spend it and so stop every
 * other team from inviting that person for a day (5 requests). Across teams, the budget of the
 * address sending them (INVITATIONS_PER_ADDRESS_PER_HOUR) and sign-up's own bound the rest.
 */
export const INVITATIONS_PER_RECIPIENT_PER_DAY = 5;

/**
 * Invitation emails carry text of the inviter's choosing (the team name) to an address of their
 * choosing: unthrottled, 50 went out in 1.3 s. Each invitation takes a point from every budget
 * (in PostgreSQL, across instances), or none when one is spent.
 */
export function createInvitationThrottle(orm: MikroORM) {
  const common = budgetStore(orm);
  const byTeam = new RateLimiterPostgres({ ...common, keyPrefix: 'invite_team', points: INVITATIONS_PER_TEAM_PER_HOUR, duration: 3600 });
  const byAddress = new RateLimiterPostgres({ ...common, keyPrefix: 'invite_ip', points: INVITATIONS_PER_ADDRESS_PER_HOUR, duration: 3600 });
  const byRecipient = new RateLimiterPostgres({ ...common, keyPrefix: 'invite_to', points: INVITATIONS_PER_RECIPIENT_PER_DAY, duration: 86_400 });

  return {
    async attempt(teamId: string, ip: string, recipient: string): Promise<void> {
      const takes: Take[] = [
        [byTeam, teamId, 'Your team has sent too many invitations this hour. Try again later.'],
        [byAddress, addressKey(ip), 'Too many invitations from this address. Try again later.'],
        [
          byRecipient,
          `${teamId}:${sha256Hex(emailKey(recipient)).slice(0, 32)}`,
          'This address has received too many invitations from your team today. Try again tomorrow.',
        ],
      ];
      await takeFromEvery(takes);
    },
  };
}

export type InvitationThrottle = ReturnType<typeof createInvitationThrottle>;
