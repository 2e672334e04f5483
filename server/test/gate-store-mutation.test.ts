// The request gate when its rate-limit store fails, and refusals that never reach the summing up.
// Written from the survivors of pnpm test:mutation auth-gate (see gate-mutation.test.ts).
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../src/db/orm.js';
import { AppError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { type Admission, RequestGate } from '../src/modules/auth/gate.js';
import { createTestDatabase, sql, startTestServer, type TestServer } from './harness.js';
import { api, createKey, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let orm: MikroORM;
/** A database without the migrations: no rate_limit table. */
let bare: MikroORM;
let team: Team;
const gates: RequestGate[] = [];
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  const logger = createLogger('silent');
  [orm, bare] = await Promise.all([initOrm(server.databaseUrl, logger), initOrm(await createTestDatabase('gate_bare'), logger)]);
  team = await setUpTeam(server, 'Store');
});
afterAll(async () => {
  for (const g of gates) g.close();
  await Promise.all([orm?.close(), bare?.close()]);
  await server?.stop();
});

function gate(store: MikroORM, opts: Partial<ConstructorParameters<typeof RequestGate>[1]>) {
  const { apiKeyVerifier: verifier, usageRecorder: recorder } = server.app.services;
  const g = new RequestGate({ verifier, recorder, knex: store.em.getConnection().getKnex() }, { teamPerSecond: 0, sessionPerMinute: 0, ...opts });
  gates.push(g);
  return g;
}
const em = () => orm.em.fork() as EntityManager;

describe('the rate-limit store failing', () => {
  it('is thrown as it is: not a 429, not an admission with a refusal', async () => {
    const g = gate(bare, { teamPerSecond: 2 });
    const error = await g.admit({ authorization: `Bearer ${team.full.token}`, ip: '198.51.100.77' }, em).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AppError);
    expect(String(error)).toMatch(/rate_limit/);
  });
});

describe('refusals within refusalsLoggedPerMinute', () => {
  it('are logged in full, with no summary entry of none summed up', async () => {
    const key = await createKey(team.admin, { name: 'few refusals', permission: 'FULL_ACCESS' });
    const g = gate(orm, { refusalsLoggedPerMinute: 2 });
    const a = (await g.admit({ authorization: `Bearer ${key.token}`, ip: '198.51.100.78' }, em)) as Admission;
    a.finish({ method: 'GET', endpoint: '/domains', statusCode: 429, userAgent: null, requestBody: null, responseBody: null });
    g.flushRefusals();
    g.close();
    await server.app.services.usageRecorder.flush();
    const rows = await sql<{ endpoint: string }>(server.databaseUrl, 'select endpoint from usage_log where api_key_id = $1', [key.id]);
    expect(rows.map((r) => r.endpoint)).toEqual(['/domains']);
  });
});

describe('what a key is told and what its logs keep', () => {
  it('a disabled key: "This API key is disabled." (403 invalid_api_key on REST)', async () => {
    const key = await createKey(team.admin, { name: 'disabled', permission: 'FULL_ACCESS' });
    expect(
      (await team.admin.gql('mutation($id: ID!) { updateApiKey(id: $id, input: { enabled: false }) { enabled } }', { id: key.id })).errors,
    ).toBeUndefined();
    const res = await api(server, '/domains', { token: key.token });
    expect(res).toMatchObject({ status: 403, body: { name: 'invalid_api_key', message: 'This API key is disabled.' } });
  });

  it("a REST request's user agent is kept in its usage log", async () => {
    const key = await createKey(team.admin, { name: 'agent', permission: 'FULL_ACCESS' });
    expect((await api(server, '/domains', { token: key.token, headers: { 'user-agent': 'gate-test-agent/1.0' } })).status).toBe(200);
    await server.app.services.usageRecorder.flush();
    const rows = await sql<{ user_agent: string | null }>(server.databaseUrl, 'select user_agent from usage_log where api_key_id = $1', [key.id]);
    expect(rows).toEqual([{ user_agent: 'gate-test-agent/1.0' }]);
  });
});
