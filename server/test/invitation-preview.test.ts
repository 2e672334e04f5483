import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';

const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`;
const PREVIEW = `query($token: String!) { invitationPreview(token: $token) { teamName email expiresAt } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`;

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await signUpAdmin(server, 'Analytical Engines')).client;
});
afterAll(() => server?.stop());

describe('invitationPreview', () => {
  it('names the team and the address to a visitor holding the link, until it is used', async () => {
    const email = uniqueEmail('invitee');
    const token = (await admin.gql(INVITE, { input: { email, role: 'MEMBER' } })).data!.inviteMember.token as string;
    const visitor = server.client();
    const res = await visitor.gql(PREVIEW, { token });
    expect(res.errors).toBeUndefined();
    expect(res.data!.invitationPreview).toMatchObject({ teamName: 'Analytical Engines', email });
    expect(Date.parse(res.data!.invitationPreview.expiresAt)).toBeGreaterThan(Date.now());

    expect((await visitor.gql(ACCEPT, { input: { token, password: PASSWORD } })).errors).toBeUndefined();
    expect((await server.client().gql(PREVIEW, { token })).data!.invitationPreview).toBeNull();
  });

  it('is null for an unknown, empty or absurd token', async () => {
    for (const token of ['nope', '', 'x'.repeat(5000)]) {
      const res = await server.client().gql(PREVIEW, { token });
      expect(res.errors).toBeUndefined();
      expect(res.data!.invitationPreview).toBeNull();
    }
  });
});

describe('sendingPolicy.mailRelay', () => {
  it('is false without SMTP_URL (mail stays in the outbox) and true with one', async () => {
    expect((await admin.gql('{ sendingPolicy { mailRelay } }')).data!.sendingPolicy.mailRelay).toBe(false);
    const relayed = await startTestServer({ SMTP_URL: 'smtp://127.0.0.1:2525' });
    try {
      const { client } = await signUpAdmin(relayed, 'Relayed');
      expect((await client.gql('{ sendingPolicy { mailRelay } }')).data!.sendingPolicy.mailRelay).toBe(true);
    } finally {
      await relayed.stop();
    }
  });
});
