import {
  buildClientSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

// Odd input for every operation: each must answer a clear error (or succeed), never a 500.
let server: TestServer;
let team: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  team = await setUpTeam(server, 'Fuzz', 'fuzz.example.com');
});
afterAll(() => server?.stop());

const STRINGS = [
  '',
  'nul\u0000',
  ' ',
  'x'.repeat(10_000),
  '💥\u202Eevil',
  "'; drop table api_key; --",
  '%_\\',
  '2026-13-45',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '<script>alert(1)</script>',
  'a@b',
  '../../etc/passwd',
  'lone \ud800',
  '\udc00',
  'x\udbff@example.com',
];
const INTS = [0, -1, 2147483647, -2147483648, 1_000_000];

/** A value of the input type; `variant` picks which odd value. */
function oddValue(type: GraphQLInputType, variant: number): unknown {
  if (isNonNullType(type)) return oddValue(type.ofType, variant);
  if (isListType(type)) return variant % 3 === 0 ? [] : [oddValue(type.ofType, variant)];
  if (isEnumType(type)) return type.getValues()[variant % type.getValues().length].name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || variant % 2 === 0);
    return Object.fromEntries(fields.map((f) => [f.name, oddValue(f.type, variant + f.name.length)]));
  }
  if (!isScalarType(type)) return null;
  switch (type.name) {
    case 'Int':
      return INTS[variant % INTS.length];
    case 'Float':
      return [-1e308, 0.5, 1e308][variant % 3];
    case 'Boolean':
      return variant % 2 === 0;
    case 'DateTimeISO':
      return ['1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-11-28T00:00:00Z'][variant % 3];
    case 'JSON':
      return [{}, { a: { b: [1, 'x'.repeat(1000)] } }, { from: 'x' }, { status: 1 }][variant % 4];
    default:
      return STRINGS[variant % STRINGS.length];
  }
}

/** The field's own scalars, enough to make the operation valid. */
function selection(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (!isObjectType(type)) return '';
  const scalars = Object.values(type.getFields()).filter((f) => !isObjectType(getNamedType(f.type)) && f.args.length === 0);
  return `{ ${scalars.map((f) => f.name).join(' ') || '__typename'} }`;
}

describe('GraphQL: every query and mutation with odd arguments', () => {
  it('answers each with data or a coded error, never INTERNAL_SERVER_ERROR', async () => {
    const admin: TestClient = team.admin;
    const schema = buildClientSchema((await admin.gql(getIntrospectionQuery())).data as never);
    // Operations that end the session or the admin's membership would stop the rest of the run.
    const skipped = new Set(['signOut', 'leaveTeam', 'removeMember', 'updateMemberRole', 'deleteAccount']);
    const failures: string[] = [];
    let sent = 0;
    for (const [kind, root] of [
      ['query', schema.getQueryType()!],
      ['mutation', schema.getMutationType()!],
    ] as const) {
      for (const field of Object.values(root.getFields())) {
        if (skipped.has(field.name)) continue;
        for (let variant = 0; variant < 12; variant++) {
          const args = field.args as readonly GraphQLArgument[];
          const defs = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
          const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
          const query = `${kind}${defs ? `(${defs})` : ''} { ${field.name}${call ? `(${call})` : ''} ${selection(field)} }`;
          const variables = Object.fromEntries(args.map((a) => [a.name, oddValue(a.type, variant)]));
          const res = await admin.gql(query, variables);
          sent++;
          for (const e of res.errors ?? []) {
            const code = e.extensions?.code;
            if (!code || code === 'INTERNAL_SERVER_ERROR') failures.push(`${field.name} ${JSON.stringify(variables).slice(0, 160)}: ${e.message}`);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(200);
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('REST: every write route with an odd value in each field', () => {
  it('answers each with 2xx or a 4xx in the error shape, never a 5xx', async () => {
    const odd: unknown[] = [
      'nul\u0000',
      null,
      true,
      0,
      -1,
      1e308,
      '',
      'x'.repeat(5000),
      [],
      [null],
      {},
      { a: 1 },
      '💥',
      '2026-13-45',
      'a@b',
      ['a@b'],
      [{}],
      'Name <a@fuzz.example.com>',
      '00000000-0000-0000-0000-000000000000',
      'lone \ud800',
      '\udc00@fuzz.example.com',
      ['\udbff@example.com'],
    ];
    const routes: [string, string, string[]][] = [
      ['POST', '/emails', ['from', 'to', 'subject', 'html', 'text', 'cc', 'bcc', 'reply_to', 'headers', 'tags', 'attachments', 'scheduled_at']],
      ['POST', '/emails/batch', ['from', 'to', 'tags']],
      ['POST', '/api-keys', ['name', 'permission', 'domain_id']],
      ['POST', '/domains', ['name', 'region', 'custom_return_path']],
      ['POST', '/contacts', ['email', 'first_name', 'last_name', 'unsubscribed', 'audience_id']],
      ['PATCH', '/contacts/someone@example.com', ['email', 'first_name', 'last_name', 'unsubscribed']],
      ['PATCH', `/api-keys/${team.sending.id}`, ['name', 'permission', 'domain_id']],
      ['POST', '/broadcasts', ['name', 'from', 'subject', 'html', 'text', 'segment_id', 'audience_id', 'reply_to']],
    ];
    const base = {
      from: 'a@fuzz.example.com',
      to: 'b@example.com',
      subject: 's',
      text: 't',
      name: 'n',
      email: 'c@example.com',
      permission: 'full_access',
      html: '<p>h</p>',
    };
    const BASE_FIELDS: Record<string, string[]> = {
      emails: ['from', 'to', 'subject', 'text', 'html'],
      'api-keys': ['name', 'permission'],
      domains: ['name'],
      contacts: ['email'],
      broadcasts: ['name', 'from', 'subject', 'html', 'text'],
    };
    const failures: string[] = [];
    for (const [method, path, fields] of routes) {
      for (const field of fields) {
        for (const value of odd) {
          // Only the route's own fields: any other is refused before the value under test is read.
          const own = BASE_FIELDS[path.split('/')[1]] ?? [];
          const one = { ...Object.fromEntries(Object.entries(base).filter(([k]) => own.includes(k))), [field]: value };
          const body = JSON.stringify(path.endsWith('/batch') ? [one] : one);
          const res = await fetch(`${server.url}/api${path}`, {
            method,
            headers: { authorization: `Bearer ${team.full.token}`, 'content-type': 'application/json' },
            body,
          });
          const answer = (await res.json()) as { statusCode?: number; name?: string; message?: string };
          const shaped = res.status < 400 || (answer.statusCode === res.status && typeof answer.name === 'string');
          // Text PostgreSQL cannot store (a NUL, a lone surrogate) is a 422 naming the field.
          const unstorable = typeof value === 'string' && /\0|[\ud800-\udfff]/.test(value) && !value.includes('💥');
          if (unstorable && (res.status !== 422 || !answer.message?.startsWith(`\`${path.endsWith('/batch') ? '[0].' : ''}${field}`)))
            failures.push(`not 422 naming ${field}: ${res.status} ${method} ${path} ${answer.message}`);
          if (res.status >= 500 || !shaped) failures.push(`${res.status} ${method} ${path} ${field}=${JSON.stringify(value).slice(0, 40)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
