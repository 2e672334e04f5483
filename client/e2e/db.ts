import pg from 'pg';
import { inject } from 'vitest';

/**
 * A connection to the server's own PostgreSQL (global-setup.ts provides its URL), for the few
 * setup steps no API offers: moving an export's dates back by days, a thousand rows in one
 * statement, holding a team's export slot. The UI under test is still only driven through Chromium.
 */
export async function connectDatabase(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  return client;
}

/** The team of the user who signed up with this address. */
export async function teamIdOf(db: pg.Client, email: string): Promise<string> {
  const { rows } = await db.query<{ team_id: string }>('select m.team_id from membership m join app_user u on u.id = m.user_id where u.email = $1', [email]);
  if (rows.length !== 1) throw new Error(`expected one team for ${email}, found ${rows.length}`);
  return rows[0].team_id;
}

/** `count` contacts <prefix>-<i>@<domain> for the team, in one statement. */
export async function seedContacts(db: pg.Client, teamId: string, count: number, prefix: string, domain: string): Promise<void> {
  await db.query(
    `insert into contact (id, team_id, email, created_at, updated_at)
     select gen_random_uuid(), $1, $2 || '-' || i || '@' || $3, now() - i * interval '1 second', now() - i * interval '1 second'
       from generate_series(1, $4::int) i`,
    [teamId, prefix, domain, count],
  );
}

/**
 * Moves an export back in time by `days`: created, completed and expiry dates alike, as if it had
 * been made that long ago (downloads last DOWNLOAD_DAYS = 7 days).
 */
export async function ageExport(db: pg.Client, exportId: string, days: number): Promise<void> {
  const { rowCount } = await db.query(
    `update export set created_at = created_at - $2 * interval '1 day', completed_at = completed_at - $2 * interval '1 day',
            expires_at = expires_at - $2 * interval '1 day'
      where id = $1 and status = 'READY'`,
    [exportId, days],
  );
  if (rowCount !== 1) throw new Error(`export ${exportId} is not READY`);
}

/**
 * Takes the team's background-export slot (EXPORT_TEAM_CONCURRENCY = 1: the advisory lock
 * server/src/modules/export/export.connections.ts takes per team and slot) on a connection of its
 * own, so that the team's large exports stay PROCESSING (put back, busy) until `release`.
 */
export async function holdExportSlot(teamId: string): Promise<{ release: () => Promise<void> }> {
  const db = await connectDatabase();
  await db.query('select pg_advisory_lock(hashtextextended($1, 0))', [`keyring-export:${teamId}:0`]);
  let released: Promise<void> | undefined;
  return { release: () => (released ??= db.end()) };
}
