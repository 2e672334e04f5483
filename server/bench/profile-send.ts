// A CPU profile of the server under `POST /api/emails` load only: `npx tsx bench/profile-send.ts <dir>`.
// PROFILE_TARGET=health profiles `GET /api/health` instead, to compare the two per request.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';

const out = process.argv[2] ?? path.join(os.tmpdir(), 'keyring-send-profile');
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-prof-'));
const db = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
const port = await freePort();
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${out}`, '--import', 'tsx', 'src/main.ts'], {
  cwd: path.resolve(import.meta.dirname, '..'),
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    RATE_LIMIT_PER_SECOND: '0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    REQUIRE_VERIFIED_DOMAINS: 'false',
  },
  stdio: 'inherit',
});
const url = `http://127.0.0.1:${port}`;
for (;;) {
  if (
    await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false)
  )
    break;
  await new Promise((r) => setTimeout(r, 100));
}
const gql = async (query: string, cookie?: string) => {
  const r = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ query }),
  });
  return { body: (await r.json()) as { data: Record<string, any> }, cookie: r.headers.getSetCookie()[0]?.split(';')[0] };
};
const { cookie } = await gql(`mutation { signUp(input: { email: "p@example.com", password: "profile-password", teamName: "P" }) { id } }`);
await gql(`mutation { createDomain(input: { name: "p.example.com" }) { id } }`, cookie);
const token = (await gql(`mutation { createApiKey(input: { name: "p", permission: SENDING_ACCESS }) { token } }`, cookie)).body.data.createApiKey.token;
const result = await autocannon(
  process.env.PROFILE_TARGET === 'health'
    ? { url: `${url}/api/health`, connections: 20, duration: 8 }
    : {
        url: `${url}/api/emails`,
        method: 'POST',
        connections: 20,
        duration: 8,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'a@p.example.com', to: 'b@example.org', subject: 'Profile', text: 'Hello' }),
      },
);
console.log(`${result.requests.average} req/s, ${result.requests.total} requests; profile in ${out}`);
await new Promise((r) => {
  child.once('exit', r);
  child.kill('SIGTERM');
});
await db.stop();
await fsp.rm(dir, { recursive: true, force: true });
