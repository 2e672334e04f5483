import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('health', () => {
  it('answers ok once the database answers', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('signs up and knows who is signed in', async () => {
    const { client, email } = await signUpAdmin(server);
    const me = await client.gql('{ me { email role team { name } } }');
    expect(me.data?.me).toEqual({ email, role: 'ADMIN', team: { name: 'Acme' } });
  });
});
