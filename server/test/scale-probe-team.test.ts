import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { stripVTControlCharacters } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../src/db/orm.js';
import { listPendingInvitations } from '../src/modules/team/team.service.js';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';

/**
 * Scale: what the Team page asks for reads its own team's rows, not every team's. The plans are
 * shown with EXPLAIN of the very statement the service sends (caught through the ORM's query
 * hook), over a few thousand rows of other teams: enough for the planner to prefer an index when
 * there is one, small enough to seed in a second.
 */

let server: TestServer;
let orm: MikroORM;
let statements: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  orm = await initOrm(server.databaseUrl, undefined, (message) => statements.push(message));
});
afterAll(async () => {
  await orm?.close();
  await server?.stop();
});

/** The SQL statements `run` sends through the ORM, parameters inlined, as MikroORM logs them. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  statements = [];
  await run();
  return statements
    .map((m) => stripVTControlCharacters(m))
    .filter((m) => m.startsWith('[query] '))
    .map((m) =>
      m
        .slice('[query] '.length)
        .replace(/ \[took [^\]]*\]$/, '')
        .trim(),
    );
}

/**
 * The plan of the one statement `run` sends (EXPLAIN without ANALYZE, costs off), prepared as
 * sent and explained with `params` for its $1, $2…
 */
async function planOf(run: () => Promise<unknown>, params: unknown[]): Promise<string> {
  const [statement, ...more] = await statementsOf(run);
  expect(more).toEqual([]);
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    await client.query(`prepare probe as ${statement}`);
    const values = params.map((v) => client.escapeLiteral(v instanceof Date ? v.toISOString() : String(v))).join(', ');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (costs off) execute probe(${values})`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`;
const INVITATIONS = `{ team { id invitations { id email } } }`;

describe('the Team page among many teams', () => {
  let admin: TestClient;
  let teamId: string;
  const invited: string[] = [];

  beforeAll(async () => {
    const signedUp = await signUpAdmin(server, 'Scale');
    admin = signedUp.client;
    teamId = signedUp.user.team.id;
    for (let i = 0; i < 2; i++) {
      const email = uniqueEmail('pending');
      const res = await admin.gql(INVITE, { input: { email } });
      expect(res.errors).toBeUndefined();
      invited.push(email);
    }
    // 400 other teams, each with 15 invitations sent over the weeks, all but one accepted (an accepted invitation stays).
    await sql(
      server.databaseUrl,
      `with teams as (
         insert into team (id, name, created_at) select gen_random_uuid(), 'Other ' || i, now() from generate_series(1, 400) i returning id
       )
       insert into invitation (id, team_id, email, role, token_hash, created_at, expires_at, accepted_at)
       select gen_random_uuid(), t.id, 'invitee' || g || '-' || t.id || '@example.org', 'MEMBER', md5(random()::text) || md5(random()::text),
              now() - g * interval '1 day', now() - g * interval '1 day' + interval '7 days', case when g > 1 then now() - g * interval '1 day' end
         from teams t, generate_series(1, 15) g`,
    );
    await sql(server.databaseUrl, 'analyze invitation');
  });

  it("lists the team's pending invitations, and only them", async () => {
    const res = await admin.gql(INVITATIONS);
    expect(res.errors).toBeUndefined();
    expect(res.data!.team.invitations.map((i: { email: string }) => i.email).sort()).toEqual([...invited].sort());
  });

  it("reads the pending invitations through an index, not every team's invitations", async () => {
    const plan = await planOf(() => listPendingInvitations(orm.em.fork(), teamId), [teamId, new Date()]);
    expect(plan).not.toMatch(/Seq Scan on invitation/);
    expect(plan).toMatch(/Index (Only )?Scan .* on invitation/);
  });
});
