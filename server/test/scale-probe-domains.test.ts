import 'reflect-metadata';
import { stripVTControlCharacters } from 'node:util';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../src/db/orm.js';
import { Role } from '../src/modules/team/team.entity.js';
import { deleteDomain } from '../src/modules/domain/domain.service.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, createDomain, setUpTeam, type Team } from './rest-harness.js';

/**
 * Scale: deleting a domain looks for the team's emails from it that have not gone out (scheduled
 * or queued), a handful, through the indexes of pending emails; it read every email of every team
 * (a sequential scan of the email table: 52 ms at 200,000 emails in the scale probe, growing with
 * every team's history until the statement timeout). Shown with EXPLAIN of the very statement the
 * service sends (caught through the ORM's query hook), its parameters as sent.
 */

let server: TestServer;
let orm: MikroORM;
let team: Team;
let statements: { sql: string; params: unknown[] }[] = [];

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  orm = await initOrm(server.databaseUrl);
  // The parameters of each statement, as the driver gets them (MikroORM's log shows placeholders).
  orm.em
    .getConnection()
    .getKnex()
    .on('query', (q: { sql: string; bindings?: unknown[] }) => statements.push({ sql: q.sql, params: q.bindings ?? [] }));
  team = await setUpTeam(server, 'Senders');
  // The team's history: 6,000 emails gone out, from its domain, over the last weeks.
  await sql(
    server.databaseUrl,
    `insert into email (id, team_id, "from", "to", cc, bcc, reply_to, subject, text, status, sent_at, created_at, attempts)
     select gen_random_uuid(), $1, 'news@senders.com', '["r@example.org"]', '[]', '[]', '[]', 'Sent ' || i, 'body', 'sent', now(), now() - i * interval '1 minute', 1
       from generate_series(1, 6000) i`,
    [team.teamId],
  );
  await sql(server.databaseUrl, 'analyze email');
}, 120_000);
afterAll(async () => {
  await orm?.close();
  await server?.stop();
});

/** The plan of a statement as sent (EXPLAIN without ANALYZE, costs off); MikroORM inlines its values, knex's ? stand for any others. */
async function planOf(statement: { sql: string; params: unknown[] }): Promise<string> {
  let i = 0;
  const text = statement.params.length ? statement.sql.replace(/\?/g, () => `$${++i}`) : statement.sql;
  const rows = await sql<{ 'QUERY PLAN': string }>(server.databaseUrl, `explain (costs off) ${text}`, statement.params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('deleteDomain among a long history', () => {
  it('finds the pending emails from the domain through an index, not by reading every email', async () => {
    const domainId = await createDomain(team.admin, 'old.senders.com');
    const scheduled = await api(server, '/emails', {
      method: 'POST',
      token: team.full.token,
      body: JSON.stringify({
        from: 'news@old.senders.com',
        to: 'r@example.org',
        subject: 'Later',
        text: 'Later',
        scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    expect(scheduled.status).toBe(200);

    statements = [];
    const [admin] = await sql<{ user_id: string }>(server.databaseUrl, `select user_id from membership where team_id = $1`, [team.teamId]);
    const actor = { kind: 'user' as const, userId: admin.user_id, teamId: team.teamId, role: Role.ADMIN, sessionId: '00000000-0000-4000-8000-000000000000' };
    await deleteDomain(orm.em.fork(), actor, domainId);

    // What the user sees: the scheduled email from the deleted domain is canceled.
    const [row] = await sql<{ status: string }>(server.databaseUrl, 'select status from email where id = $1', [(scheduled.body as { id: string }).id]);
    expect(row.status).toBe('canceled');

    const lookup = statements.find((s) => /from "email"/.test(s.sql) && /ilike/.test(s.sql));
    expect(lookup, statements.map((s) => stripVTControlCharacters(s.sql)).join('\n')).toBeDefined();
    const plan = await planOf(lookup!);
    expect(plan).not.toMatch(/Seq Scan on email/);
    // Nor the team's whole history through its time index.
    expect(plan).not.toMatch(/email_team_id_created_at_id_index/);
  });
});
