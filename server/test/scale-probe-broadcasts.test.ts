import 'reflect-metadata';
import { stripVTControlCharacters } from 'node:util';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../src/db/orm.js';
import { paginate } from '../src/graphql/connection.js';
import { Broadcast } from '../src/modules/broadcast/broadcast.entity.js';
import { broadcastWhere, loadBroadcastBodies } from '../src/modules/broadcast/broadcast.service.js';
import { findPage } from '../src/rest/pagination.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

/**
 * Scale: a broadcast's bodies (html and text, up to 1,000,000 characters each) are read when they
 * are asked for, not by every page of the list. The Broadcasts page shows names and statuses: at
 * 100 broadcasts of 1 MB bodies its first page took 1.4–1.7 s and grew the server by 330 MB in the
 * scale probe, for an answer of 14 KB. Shown by the statements the lists send (caught through the
 * ORM's query hook, calling what the resolver and the REST route call).
 */

let server: TestServer;
let orm: MikroORM;
let team: Team;
let statements: string[] = [];
const HTML = `<p>${'h'.repeat(5000)}</p>`;
const TEXT = 't'.repeat(5000);

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  orm = await initOrm(server.databaseUrl, undefined, (message) => statements.push(message));
  team = await setUpTeam(server, 'Bodies');
  await sql(
    server.databaseUrl,
    `insert into broadcast (id, team_id, name, "from", subject, status, html, text, created_at)
     select gen_random_uuid(), $1, 'Broadcast ' || i, 'news@bodies.com', 'Subject ' || i, 'draft', $2, $3, now() - i * interval '1 second'
       from generate_series(1, 5) i`,
    [team.teamId, HTML, TEXT],
  );
}, 120_000);
afterAll(async () => {
  await orm?.close();
  await server?.stop();
});

/** The SQL statements `run` sends through the ORM, as MikroORM logs them. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  statements = [];
  await run();
  return statements
    .map((m) => stripVTControlCharacters(m))
    .filter((m) => m.startsWith('[query] '))
    .map((m) => m.slice('[query] '.length));
}

/** A statement that reads a broadcast's bodies: all its columns, or html or text by name. */
const READS_BODIES = /"b0"\.\*|"b0"\."(html|text)"/;

describe('the Broadcasts list', () => {
  it('reads no bodies for a page of the GraphQL connection (the Broadcasts page)', async () => {
    const sent = await statementsOf(() => paginate(orm.em.fork(), Broadcast, broadcastWhere(team.teamId, null), { first: 50 }));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/from "broadcast"/);
    expect(sent[0]).not.toMatch(READS_BODIES);
  });

  it('reads no bodies for a page of GET /broadcasts', async () => {
    const sent = await statementsOf(() => findPage(orm.em.fork(), Broadcast, () => broadcastWhere(team.teamId, {}), { limit: 1000 }));
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toMatch(READS_BODIES);
  });

  it('still answers the bodies where they are asked for: the connection, and GET /broadcasts/:id', async () => {
    const res = await team.admin.gql(`{ broadcasts(first: 10) { edges { node { id name html text } } } }`);
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.broadcasts.edges.map((e: { node: unknown }) => e.node) as { id: string; name: string; html: string; text: string }[];
    expect(nodes.map((n) => n.name)).toEqual(['Broadcast 1', 'Broadcast 2', 'Broadcast 3', 'Broadcast 4', 'Broadcast 5']);
    for (const n of nodes) expect([n.html, n.text]).toEqual([HTML, TEXT]);

    const one = await api(server, `/broadcasts/${nodes[2].id}`, { token: team.full.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: nodes[2].id, name: 'Broadcast 3', html: HTML, text: TEXT });

    const list = await api(server, '/broadcasts', { token: team.full.token });
    expect(list.status).toBe(200);
    expect((list.body as { data: { name: string }[] }).data.map((b) => b.name)).toEqual(nodes.map((n) => n.name));
  });

  it('reads the bodies of a page asked for them in one statement, not one a broadcast', async () => {
    // As the resolver does for a page whose nodes ask for html and text.
    const em = orm.em.fork();
    const page = await paginate(em, Broadcast, broadcastWhere(team.teamId, null), { first: 50 });
    const sent = await statementsOf(() =>
      loadBroadcastBodies(
        em,
        page.edges.map((e) => e.node),
      ),
    );
    expect(sent).toHaveLength(1);
    expect(page.edges.map((e) => [e.node.html, e.node.text])).toEqual(page.edges.map(() => [HTML, TEXT]));
  });
});
