import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Takes the team's row until the transaction ends, so that the team-wide checks of concurrent
 * changes (its number of keys or of large exports, its last admin, a domain with keys tied to it)
 * run one after another. FOR NO KEY UPDATE, not FOR UPDATE: a row that only refers to the team (an
 * email, a usage log, an audit event: its foreign key's check takes a key share of the team's row)
 * is written meanwhile. So sends do not queue behind an admin's change, and a send that holds its
 * domain's row (email.writer.ts) cannot deadlock with a delete of that domain holding the team's.
 */
export async function lockTeam(em: EntityManager, teamId: string): Promise<void> {
  await em.execute('select 1 from team where id = ? for no key update', [teamId]);
}
