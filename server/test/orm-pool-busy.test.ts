import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/db/connection.js';
import { Export } from '../src/modules/export/export.entity.js';
import { signUpAdmin, startTestServer, type TestClient, type TestServer } from './harness.js';

// Every connection of the ORM's pool busy (120 createExport requests of one team at once did it on
// the probe server: each holds one while it counts the rows): a request that finds none within
// DATABASE_CONNECT_TIMEOUT_SECONDS failed with knex's "Timeout acquiring a connection", which the
// ORM wraps in a DriverException without a link to it. That was not taken for the database being
// unavailable: GraphQL answered 500 INTERNAL_SERVER_ERROR ("Context creation failed", logged as an
// unexpected error) where a connection that could not be opened is 503 with Retry-After.

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer({ DATABASE_CONNECT_TIMEOUT_SECONDS: '0.5' });
  admin = (await signUpAdmin(server, 'Busy pool')).client;
});

afterAll(async () => {
  await server?.stop();
});

type KnexClient = { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<unknown> };

/** Takes every connection of the ORM's pool until the returned function gives them back. */
async function holdOrmPool(): Promise<() => Promise<void>> {
  const knex = server.app.services.orm.em.getConnection().getKnex() as unknown as { client: KnexClient };
  const held: unknown[] = [];
  for (let i = 0; i < 10; i++) held.push(await knex.client.acquireConnection());
  return async () => {
    for (const c of held) await knex.client.releaseConnection(c);
  };
}

describe('the ORM pool with no free connection', () => {
  it("knex's acquire timeout, as the ORM throws it, is the database unavailable", async () => {
    const release = await holdOrmPool();
    try {
      const err = await server.app.services.orm.em
        .fork()
        .findOne(Export, { id: randomUUID() })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((err as Error).message).toMatch(/^Knex: Timeout acquiring a connection/);
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await release();
    }
  });

  it('GraphQL answers 503 SERVICE_UNAVAILABLE with Retry-After, not 500; and works again once one is free', async () => {
    const release = await holdOrmPool();
    try {
      const res = await admin.gql(`{ exports(first: 1) { edges { node { id } } } }`);
      expect(res.status).toBe(503);
      expect(res.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      const created = await admin.gql(`mutation { createExport(input: { resource: DOMAINS }) { id } }`);
      expect(created.status).toBe(503);
      expect(created.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await release();
    }
    const res = await admin.gql(`{ exports(first: 1) { edges { node { id } } } }`);
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
  });
});
