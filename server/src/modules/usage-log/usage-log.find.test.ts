import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.js';
import { api, MISSING_ID, setUpTeam, type Team } from '../../../test/rest-harness.js';

// One log by id: usageLog(id) is the log, or null when the team has none with this id (a missing
// id, a malformed one, another team's); GET /logs/:id answers 404 for the same ids.
let server: TestServer;
let acme: Team;
let globex: Team;

const ONE = `query($id: ID!) { usageLog(id: $id) { id endpoint } }`;

async function firstLogId(team: Team): Promise<string> {
  const res = await team.admin.gql(`{ usageLogs(first: 1) { edges { node { id } } } }`);
  expect(res.errors).toBeUndefined();
  return res.data!.usageLogs.edges[0].node.id;
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  globex = await setUpTeam(server, 'Globex');
  expect((await api(server, '/domains', { token: acme.full.token })).status).toBe(200);
  expect((await api(server, '/domains', { token: globex.full.token })).status).toBe(200);
  await server.app.services.usageRecorder.flush();
});
afterAll(() => server?.stop());

describe('usageLog(id)', () => {
  it("is the team's log, and null for a missing, malformed or another team's id", async () => {
    const own = await firstLogId(acme);
    const other = await firstLogId(globex);
    const found = await acme.admin.gql(ONE, { id: own });
    expect(found.errors).toBeUndefined();
    expect(found.data!.usageLog).toEqual({ id: own, endpoint: '/domains' });
    for (const id of [MISSING_ID, 'not-a-uuid', other]) {
      const res = await acme.admin.gql(ONE, { id });
      expect(res.errors, id).toBeUndefined();
      expect(res.data!.usageLog, id).toBeNull();
    }
  });

  it('answers GET /logs/:id with 404 for the same ids', async () => {
    const own = await firstLogId(acme);
    const other = await firstLogId(globex);
    const found = await api(server, `/logs/${own}`, { token: acme.full.token });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ object: 'log', id: own, endpoint: '/domains' });
    for (const id of [MISSING_ID, 'not-a-uuid', other]) {
      const res = await api(server, `/logs/${id}`, { token: acme.full.token });
      expect(res.status, id).toBe(404);
      expect(res.body, id).toMatchObject({ name: 'not_found' });
    }
  });
});
