import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorableDate } from '../src/lib/date-range.js';
import { startTestServer, type TestServer } from './harness.js';
import { api, count, setUpTeam, type Team } from './rest-harness.js';

/*
 * Dates ISO-8601 can write and PostgreSQL cannot store (year 0, signed six-digit years) are bad
 * input wherever a date comes in: GraphQL arguments and variables, REST query parameters, cursors.
 * They were 500s (a failed statement).
 */
let server: TestServer;
let acme: Team;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Dates');
});
afterAll(() => server?.stop());

const UNSTORABLE = ['0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '+010000-01-01T00:00:00Z'];
const cursor = (iso: string) => Buffer.from(`${iso}|00000000-0000-4000-8000-000000000000`).toString('base64url');

describe('isStorableDate', () => {
  it('takes the years 1 to 9999, both ends', () => {
    expect(isStorableDate(new Date('0001-01-01T00:00:00.000Z'))).toBe(true);
    expect(isStorableDate(new Date('9999-12-31T23:59:59.999Z'))).toBe(true);
    expect(isStorableDate(new Date('0000-12-31T23:59:59.999Z'))).toBe(false);
    expect(isStorableDate(new Date('+010000-01-01T00:00:00.000Z'))).toBe(false);
  });
});

describe('GraphQL', () => {
  it('refuses an unstorable date in a filter, as a variable or written in the query, with BAD_USER_INPUT', async () => {
    for (const iso of UNSTORABLE) {
      for (const [list, type] of [
        ['apiKeys', 'ApiKeyFilter'],
        ['usageLogs', 'UsageLogFilter'],
        ['emails', 'EmailFilter'],
      ] as const) {
        const selection = list === 'apiKeys' ? '{ id }' : '{ edges { cursor } }';
        const res = await acme.admin.gql(`query($f: ${type}) { ${list}(filter: $f) ${selection} }`, { f: { from: iso } });
        expect(res.errors?.[0].extensions?.code, `${list} ${iso}`).toBe('BAD_USER_INPUT');
        const literal = await acme.admin.gql(`{ ${list}(filter: { to: "${iso}" }) ${selection} }`);
        expect(literal.errors?.[0].extensions?.code, `${list} ${iso} literal`).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
        expect(literal.errors?.[0].message).not.toMatch(/Unexpected error/);
      }
    }
    // Year 1 and 9999 are dates like any other.
    const ok = await acme.admin.gql('{ apiKeys(filter: { from: "0001-01-01T00:00:00Z", to: "9999-12-31T23:59:59Z" }) { id } }');
    expect(ok.errors).toBeUndefined();
  });

  it('refuses an unstorable date in an export, typed or as JSON filters, and creates nothing', async () => {
    const before = await count(server, 'export', 'team_id = $1', [acme.teamId]);
    const typed = await acme.admin.gql('mutation { createExport(input: { resource: API_KEYS, apiKeys: { from: "0000-01-01T00:00:00Z" } }) { id } }');
    expect(typed.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    for (const resource of ['EMAILS', 'LOGS', 'CONTACTS', 'API_KEYS']) {
      const json = await acme.admin.gql(`mutation($f: JSON) { createExport(input: { resource: ${resource}, filters: $f }) { id } }`, {
        f: { from: '0000-01-01T00:00:00Z' },
      });
      expect(json.errors?.[0].extensions, resource).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filters.from' });
    }
    expect(await count(server, 'export', 'team_id = $1', [acme.teamId])).toBe(before);
  });

  it('refuses an unstorable expiry and creates nothing', async () => {
    const before = await count(server, 'api_key', 'team_id = $1', [acme.teamId]);
    const res = await acme.admin.gql('mutation($e: DateTimeISO) { createApiKey(input: { name: "Far", permission: FULL_ACCESS, expiresAt: $e }) { token } }', {
      e: '+275760-09-13T00:00:00.000Z',
    });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count(server, 'api_key', 'team_id = $1', [acme.teamId])).toBe(before);
  });

  it('refuses a cursor holding an unstorable date as an invalid cursor, on every list', async () => {
    for (const iso of UNSTORABLE) {
      for (const list of ['exports', 'auditEvents', 'emails', 'contacts', 'broadcasts', 'usageLogs']) {
        const res = await acme.admin.gql(`query($a: String) { ${list}(after: $a) { edges { cursor } } }`, { a: cursor(iso) });
        expect(res.errors?.[0], `${list} ${iso}`).toMatchObject({ message: 'Invalid cursor.', extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
      }
    }
  });
});

describe('REST', () => {
  it('refuses an unstorable from or to on every list with 422 invalid_parameter naming it', async () => {
    for (const path of ['/emails', '/logs', '/contacts', '/broadcasts']) {
      for (const [param, value] of [
        ['from', '0000-01-01'],
        ['to', '0000-12-31T00:00:00Z'],
      ]) {
        const res = await api(server, `${path}?${param}=${encodeURIComponent(value)}`, { token: acme.full.token });
        expect(res.status, `${path} ${param}=${value}`).toBe(422);
        expect(res.body, `${path} ${param}=${value}`).toMatchObject({
          name: 'invalid_parameter',
          message: expect.stringMatching(new RegExp(`^\`${param}\` must be a date between the years 1 and 9999`)),
        });
      }
    }
    // A signed six-digit year is not the ISO-8601 the parameters take.
    expect(await api(server, `/logs?from=${encodeURIComponent('+275760-09-13T00:00:00.000Z')}`, { token: acme.full.token })).toMatchObject({
      status: 422,
      body: { name: 'invalid_parameter' },
    });
    expect((await api(server, '/emails?from=0001-01-01&to=9999-12-31', { token: acme.full.token })).status).toBe(200);
  });
});
