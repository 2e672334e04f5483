import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, startTestServer, type TestServer } from './harness.js';

// An account's or an invitation's address must be one mail can reach, its domain checked as a
// recipient's is: `ann@example.com.` was an account of its own beside ann@example.com's.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const BAD = ['ann@example.com.', 'ann@example..com', 'ann@-example.com', 'ann@exa_mple.com'];

describe('an address whose domain no mail reaches', () => {
  it.each(BAD)('%s is refused at sign-up, and no account is made', async (email) => {
    const client = server.client();
    const res = await client.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { id } }`, { input: { email, password: PASSWORD, teamName: 'T' } });
    expect(res.errors?.[0]).toMatchObject({ message: 'Enter a valid email address.', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await client.gql(`{ me { id } }`)).data?.me ?? null).toBeNull();
  });

  it.each(BAD)('%s is refused as an invitation', async (email) => {
    const { client } = await signUpAdmin(server);
    const res = await client.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, { input: { email, role: 'MEMBER' } });
    expect(res.errors?.[0]).toMatchObject({ message: 'Enter a valid email address.', extensions: { code: 'BAD_USER_INPUT' } });
    const pending = await client.gql(`{ invitations { email } }`);
    expect(pending.data?.invitations ?? []).toEqual([]);
  });

  it('an internationalised domain is still an address (bücher.example, and in punycode)', async () => {
    for (const email of [`ann-${Date.now()}@bücher.example`, `bob-${Date.now()}@xn--bcher-kva.example`]) {
      const res = await server
        .client()
        .gql(`mutation($input: SignUpInput!) { signUp(input: $input) { id } }`, { input: { email, password: PASSWORD, teamName: 'T' } });
      expect(res.errors, email).toBeUndefined();
    }
  });
});
