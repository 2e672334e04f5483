import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintainLogPartitions } from '../src/modules/usage-log/usage-log.partitions.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

// What a reviewer who never saw the other tests tried against the request logs (second round).

let server: TestServer;
let acme: Team;

const LIST = `query($f: UsageLogFilter, $n: Int, $a: String) {
  usageLogs(filter: $f, first: $n, after: $a) { edges { cursor node { id method endpoint statusCode } } pageInfo { hasNextPage endCursor } searchedUntil }
}`;

type RestLog = { id: string; method: string; endpoint: string; response_status: number };

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
}, 60_000);
afterAll(() => server?.stop());

/** The endpoints GET /logs lists for a query (the team's full-access key). */
async function restEndpoints(query: string): Promise<string[]> {
  const res = await api(server, `/logs?limit=100&${query}`, { token: acme.full.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { data: RestLog[] }).data.map((l) => `${l.method} ${l.endpoint}`);
}

/** The endpoints usageLogs lists for a filter. */
async function graphqlEndpoints(f: Record<string, unknown>): Promise<string[]> {
  const res = await acme.admin.gql(LIST, { f, n: 100 });
  expect(res.errors, JSON.stringify(f)).toBeUndefined();
  return res.data!.usageLogs.edges.map((e: { node: { method: string; endpoint: string } }) => `${e.node.method} ${e.node.endpoint}`);
}

describe('the endpoint filter, with the path as a person writes it', () => {
  it('finds the requests made to a path with letters outside ASCII or a space, which clients send percent-encoded', async () => {
    // fetch (as the resend SDK) percent-encodes what a path cannot hold: the log keeps the path as sent.
    for (const email of ['josé@example.com', 'ann lee@example.com']) {
      const res = await api(server, `/contacts/${email}`, { token: acme.full.token });
      expect(res.status).toBe(404);
    }
    await server.app.services.usageRecorder.flush();
    expect(await restEndpoints('endpoint=/contacts')).toEqual(['GET /contacts/ann%20lee@example.com', 'GET /contacts/jos%C3%A9@example.com']);
    // The address as written finds its request, on GET /logs (its query parameter decoded) and usageLogs.
    for (const [email, sent] of [
      ['josé@example.com', 'jos%C3%A9@example.com'],
      ['ann lee@example.com', 'ann%20lee@example.com'],
    ]) {
      expect(await restEndpoints(`endpoint=${encodeURIComponent(`/contacts/${email}`)}`), email).toEqual([`GET /contacts/${sent}`]);
      expect(await graphqlEndpoints({ endpoint: `/contacts/${email}` }), email).toEqual([`GET /contacts/${sent}`]);
      // And so does the path as the log shows it.
      expect(await graphqlEndpoints({ endpoint: `/contacts/${sent}` }), sent).toEqual([`GET /contacts/${sent}`]);
    }
    // Another address is not it.
    expect(await graphqlEndpoints({ endpoint: '/contacts/jose@example.com' })).toEqual([]);
    // A LOGS export of the filter holds what the list shows.
    const exported = await acme.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { status rowCount } }`, {
      input: { resource: 'LOGS', filters: { endpoint: '/contacts/josé@example.com' } },
    });
    expect(exported.errors).toBeUndefined();
    expect(exported.data!.createExport).toEqual({ status: 'READY', rowCount: 1 });
  });

  it('finds one GraphQL operation by the endpoint its log shows ("/graphql Name"), which was refused as bad input', async () => {
    for (const query of ['query Domains { domains { id } }', 'query Keys { apiKeys { id } }', 'query KeysAndMore { apiKeys { id } }']) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${acme.full.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      expect(res.status).toBe(200);
    }
    await server.app.services.usageRecorder.flush();
    expect(await graphqlEndpoints({ endpoint: '/graphql' })).toEqual(['POST /graphql KeysAndMore', 'POST /graphql Keys', 'POST /graphql Domains']);
    expect(await graphqlEndpoints({ endpoint: '/graphql Keys' })).toEqual(['POST /graphql Keys']);
    expect(await graphqlEndpoints({ endpoint: '/graphql Keys  ' })).toEqual(['POST /graphql Keys']);
    expect(await restEndpoints(`endpoint=${encodeURIComponent('/graphql Domains')}`)).toEqual(['POST /graphql Domains']);
    // Still refused: what is no path, or holds a line break or a tab.
    for (const endpoint of ['graphql Keys', '/graphql\nKeys', '/graphql\tKeys']) {
      const res = await acme.admin.gql(LIST, { f: { endpoint }, n: 5 });
      expect(res.errors?.[0].extensions, JSON.stringify(endpoint)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endpoint' });
    }
  });
});

describe('the method filter', () => {
  it('finds the requests logged with a method beyond the five of the enum (HEAD, OPTIONS, a WebDAV one), which it refused', async () => {
    for (const method of ['HEAD', 'OPTIONS', 'PROPFIND']) {
      const res = await fetch(`${server.url}/api/domains`, { method, headers: { authorization: `Bearer ${acme.full.token}` } });
      expect(res.status, method).toBe(method === 'PROPFIND' ? 405 : 200);
    }
    await server.app.services.usageRecorder.flush();
    expect(await restEndpoints('endpoint=/domains')).toEqual(['PROPFIND /domains', 'OPTIONS /domains', 'HEAD /domains']);
    for (const method of ['HEAD', 'OPTIONS', 'PROPFIND']) {
      expect(await restEndpoints(`method=${method}&endpoint=/domains`), method).toEqual([`${method} /domains`]);
      expect(await graphqlEndpoints({ method, endpoint: '/domains' }), method).toEqual([`${method} /domains`]);
    }
    // A method no request is ever made with is still refused, naming the filter.
    for (const method of ['FETCH', 'head', 'GET POST']) {
      const res = await api(server, `/logs?method=${encodeURIComponent(method)}`, { token: acme.full.token });
      expect(res.status, method).toBe(422);
      expect(res.body, method).toMatchObject({ name: 'invalid_parameter', message: expect.stringMatching(/^Method must be one of GET, POST/) });
    }
  });
});

describe('auditEvents: the events of one action', () => {
  it('are listed in the order they happened (newest first), not in the random order of their ids at one instant', async () => {
    const expected: string[] = [];
    const UPDATE = `mutation($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id } }`;
    for (let i = 0; i < 8; i++) {
      // A rename with a disable (or enable): api_key.updated, then api_key.disabled.
      const res = await acme.admin.gql(UPDATE, { id: acme.sending.id, input: { name: `Sending ${i}`, enabled: i % 2 === 1 } });
      expect(res.errors).toBeUndefined();
      expected.push('api_key.updated', i % 2 === 1 ? 'api_key.enabled' : 'api_key.disabled');
    }
    for (const email of ['ann@example.com', 'bob@example.com']) {
      for (let i = 0; i < 3; i++) {
        // Inviting again replaces the pending invitation: member.invitation_revoked, then member.invited.
        const res = await acme.admin.gql(`mutation($email: String!) { inviteMember(input: { email: $email, role: MEMBER }) { token } }`, { email });
        expect(res.errors).toBeUndefined();
        if (i > 0) expected.push('member.invitation_revoked');
        expected.push('member.invited');
      }
    }
    // Two mutations of one request, each its own transaction: a rename, then a disable.
    const both = await acme.admin.gql(
      `mutation($id: ID!) { a: updateApiKey(id: $id, input: { name: "Renamed" }) { id } b: updateApiKey(id: $id, input: { enabled: false }) { id } }`,
      { id: acme.sending.id },
    );
    expect(both.errors).toBeUndefined();
    expected.push('api_key.updated', 'api_key.disabled');
    const trail = await acme.admin.gql(`{ auditEvents(first: 100) { edges { node { action createdAt } } } }`);
    expect(trail.errors).toBeUndefined();
    const actions = (trail.data!.auditEvents.edges as { node: { action: string } }[])
      .map((e) => e.node.action)
      .filter((a) => /^(api_key\.(updated|enabled|disabled)|member\.(invited|invitation_revoked))$/.test(a));
    expect(actions).toEqual([...expected].reverse());
  });
});

describe('partition maintenance, a day partition missing', () => {
  it('moves the day out of the default partition while requests of that day are still written, and goes on to retention', async () => {
    // A day of the window with no partition (the server was down, say): its logs went to the default partition.
    const day = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000);
    const partition = `usage_log_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
    await sql(server.databaseUrl, `alter table usage_log detach partition ${partition}`);
    await sql(server.databaseUrl, `drop table ${partition}`);
    const INSERT = `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at)`;
    await sql(
      server.databaseUrl,
      `${INSERT} select gen_random_uuid(), $1, $2, 'GET', '/emails', 200, 1, $3::timestamptz + i * interval '1 second' from generate_series(1, 50000) as i`,
      [acme.teamId, acme.full.id, day],
    );
    // Requests of that day keep coming (a backfill, an instance's clock) while the partition is made.
    const writer = new pg.Client({ connectionString: server.databaseUrl });
    await writer.connect();
    let stop = false;
    let written = 0;
    const writing = (async () => {
      while (!stop) {
        // One routed to the default partition just as the day's partition is attached is refused: sent again, as the recorder does.
        await writer
          .query(`${INSERT} values (gen_random_uuid(), $1, $2, 'GET', '/late', 200, 1, $3::timestamptz + interval '20 hours')`, [
            acme.teamId,
            acme.full.id,
            day,
          ])
          .then(
            () => written++,
            () => undefined,
          );
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 50));
      // It threw "updated partition constraint for default partition would be violated by some row"
      // (a log written between the move and the ATTACH), and retention never ran.
      const done = await maintainLogPartitions(server.app.services.pool, { retentionDays: 30, drop: true });
      expect(done.failed).toEqual([]);
    } finally {
      await new Promise((r) => setTimeout(r, 100));
      stop = true;
      await writing;
      await writer.end();
    }
    expect(written).toBeGreaterThan(10);
    const where = `created_at >= $1 and created_at < $1::timestamptz + interval '1 day'`;
    expect(await sql(server.databaseUrl, `select tableoid::regclass::text as p, count(*)::int as n from usage_log where ${where} group by 1`, [day])).toEqual([
      { p: partition, n: 50_000 + written },
    ]);
  }, 120_000);
});

describe('usageLogs: a search no index serves, with a start date', () => {
  it('ends at `from` once it has searched back to it, not with a next page and a searchedUntil before `from`', async () => {
    // Busy hours before `from` (the rollups count 10 million requests today): the search windows reach back past it.
    const ghostKey = '00000000-0000-4000-8000-00000000beef';
    await sql(
      server.databaseUrl,
      `insert into usage_rollup (team_id, api_key_id, day, requests, status_2xx, last_used_at) values ($1, $2, (now() at time zone 'UTC')::date, 10000000, 10000000, now())`,
      [acme.teamId, ghostKey],
    );
    try {
      const from = new Date(Date.now() - 2_000).toISOString();
      // A key and a status together (no index serves both), matching none of the logs since `from`.
      const res = await acme.admin.gql(LIST, { f: { apiKeyId: acme.full.id, statusCode: 503, from }, n: 10 });
      expect(res.errors).toBeUndefined();
      const page = res.data!.usageLogs;
      expect(page.edges).toEqual([]);
      // It said: more may follow, logs before (a time before `from`) not searched yet; the next page found nothing either.
      expect({ hasNextPage: page.pageInfo.hasNextPage, searchedUntil: page.searchedUntil }).toEqual({ hasNextPage: false, searchedUntil: null });
    } finally {
      await sql(server.databaseUrl, 'delete from usage_rollup where api_key_id = $1', [ghostKey]);
    }
  });
});
