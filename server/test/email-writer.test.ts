// The email writer's group commit (src/modules/email/email.writer.ts) on a real PostgreSQL: requests
// queued in one turn of the event loop share one INSERT, and each team's set of sending domains is
// checked once per statement however many requests share it — never one team's answer for another's.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailWriter, type NewEmailRow } from '../src/modules/email/email.writer.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;
let other: Team;
let pool: pg.Pool;
/** Statements the writer ran through the pool. */
let statements = 0;

beforeAll(async () => {
  server = await startTestServer();
  acme = await setUpTeam(server, 'WriterAcme', 'writer-acme.com');
  other = await setUpTeam(server, 'WriterOther', 'writer-other.com');
  pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    statements++;
    return query(...args);
  }) as typeof pool.query;
});
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

function row(teamId: string, from: string, subject: string): NewEmailRow {
  const id = randomUUID();
  return {
    id,
    team_id: teamId,
    api_key_id: null,
    from,
    to: ['to@example.org'],
    cc: [],
    bcc: [],
    reply_to: [],
    subject,
    html: null,
    text: 'Hello',
    headers: null,
    tags: null,
    attachments: null,
    idempotency_key: null,
    request_hash: null,
    status: 'queued',
    scheduled_at: null,
    message_id: `<${id}@${from.split('@')[1]}>`,
    created_at: new Date().toISOString(),
  };
}

describe('group commit', () => {
  it("requests of two teams in one statement: each team's domains are its own, however many requests share a set", async () => {
    const writer = new EmailWriter(pool, { maxInFlight: 1, maxRows: 500, requireVerified: false });
    const subject = `writer-${Date.now()}`;
    const statementsBefore = statements;
    // Queued in the same turn: written by one statement.
    const asked: [team: Team, domains: string[]][] = [
      [acme, ['writer-acme.com']],
      [other, ['writer-acme.com']], // another team's domain, with the same set as the requests around it
      [acme, ['writer-acme.com']],
      [other, ['writer-other.com']],
      [acme, ['writer-acme.com', 'writer-other.com']], // one of the two is not acme's
      [other, ['writer-other.com']],
      [acme, ['writer-acme.com']],
    ];
    const answers = await Promise.all(
      asked.map(([team, domains], i) => writer.insert(team.teamId, [row(team.teamId, `n${i}@${domains[0]}`, subject)], domains)),
    );
    expect(answers).toEqual([true, false, true, true, false, true, true]);
    expect(statements).toBe(statementsBefore + 1);
    const stored = await sql<{ team_id: string; from: string }>(server.databaseUrl, `select team_id, "from" from email where subject = $1 order by "from"`, [
      subject,
    ]);
    expect(stored).toEqual(
      [0, 2, 3, 5, 6].map((i) => ({ team_id: asked[i][0].teamId, from: `n${i}@${asked[i][1][0]}` })).sort((a, b) => a.from.localeCompare(b.from)),
    );
  });
});
