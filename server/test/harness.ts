import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type App, createApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { timeoutsOf } from '../src/db/connection.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';

/** Creates a fresh, empty database on the test server and returns its URL. */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const base = new URL(inject('databaseUrl'));
  const name = `${prefix}_${inject('testRun')}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

export type GqlResult<T = Record<string, unknown>> = {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string } & Record<string, unknown> }[];
  headers: Headers;
};

export type TestServer = {
  url: string;
  databaseUrl: string;
  app: App;
  config: Config;
  /** A GraphQL client that keeps its own cookie jar, like one browser. */
  client(): TestClient;
  stop(): Promise<void>;
};

export type TestClient = {
  cookie: string | undefined;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
};

export type InProcessServer = { url: string; app: App; config: Config; stop(): Promise<void> };

/** The app in this process on a given database URL (a proxy's, say), migrated first; `env` over the tests' defaults. */
export async function startApp(databaseUrl: string, env: Record<string, string> = {}): Promise<InProcessServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    CLIENT_DIST: '/nonexistent',
    ...env,
  });
  const logger = createLogger(config.LOG_LEVEL);
  const orm = await initOrm(databaseUrl, logger, undefined, timeoutsOf(config));
  await migrate(orm);
  const app = await createApp({ config, orm, logger });
  const url = await app.listen(0, '127.0.0.1');
  return {
    url,
    app,
    config,
    async stop() {
      await app.close();
      await orm.close();
    },
  };
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const databaseUrl = await createTestDatabase();
  // Test files sign up many teams from 127.0.0.1; the sign-up throttle has its own test.
  const server = await startApp(databaseUrl, { SIGNUP_PER_ADDRESS_PER_HOUR: '100000', ...env });
  return { ...server, databaseUrl, client: () => createClient(server.url) };
}

export function createClient(url: string): TestClient {
  const client: TestClient = {
    cookie: undefined,
    async gql(query, variables, headers = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(client.cookie ? { cookie: client.cookie } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const value = pair.slice(pair.indexOf('=') + 1);
        client.cookie = value ? pair : undefined;
      }
      const body = (await res.json()) as Omit<GqlResult, 'status' | 'headers'>;
      return { ...body, status: res.status, headers: res.headers } as GqlResult<never>;
    },
  };
  return client;
}

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}-${Date.now()}-${counter++}@example.com`;
export const PASSWORD = 'correct horse battery';

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id email role team { id name } } }`;

/** Signs up a new team and returns a client signed in as its admin. */
export async function signUpAdmin(server: TestServer, teamName = 'Acme') {
  const client = server.client();
  const email = uniqueEmail('admin');
  const res = await client.gql(SIGN_UP, { input: { email, password: PASSWORD, teamName } });
  if (res.errors) throw new Error(`sign up failed: ${JSON.stringify(res.errors)}`);
  return { client, email, user: res.data!.signUp as { id: string; team: { id: string } } };
}

/** A team's CONTACTS export left PROCESSING (no job runs it): something a subscription waits on. Its id. */
export async function insertProcessingExport(databaseUrl: string, teamId: string, processedRows = 0): Promise<string> {
  const [{ id }] = await sql<{ id: string }>(
    databaseUrl,
    `insert into export (id, team_id, resource, filters, status, processed_rows, created_at)
     values (gen_random_uuid(), $1, 'CONTACTS', '{}', 'PROCESSING', $2, now()) returning id`,
    [teamId, processedRows],
  );
  return id;
}

/** Direct SQL against a test database, for asserting what was (or was not) stored. */
export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** Polls until fn returns something other than undefined, or fails after ms. */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 10_000, what = 'a condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Makes a change to a key and waits until every instance given has been told of it (its notifier
 * delivered `api_key_revoked` for that key; the verifier listened first, so it has dropped its copy
 * by then): the event other instances act on, instead of a pause long enough for NOTIFY to arrive.
 */
export async function revokedEverywhere<T>(apps: App[], keyId: string, change: () => Promise<T>): Promise<T> {
  const offs: (() => unknown)[] = [];
  const heard = Promise.all(
    apps.map(
      (app) =>
        new Promise<void>((resolve) => {
          offs.push(
            app.services.notifier.on('api_key_revoked', (payload) => {
              if (payload.split(' ')[0] === keyId) resolve();
            }),
          );
        }),
    ),
  );
  try {
    const out = await change();
    await heard;
    return out;
  } finally {
    for (const off of offs) off();
  }
}
