import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, sql, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';
import { MISSING_ID, setUpTeam, type Team } from './rest-harness.js';

const PUBLIC_URL = 'http://keyring.test';
const INVITE = `mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token invitation { id } } }`;
const RENEW = `mutation($id: ID!) { renewInvitationLink(id: $id) { link invitation { id email expiresAt } } }`;
const ACCEPT = `mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { email team { id } } }`;

let server: TestServer;
let acme: Team;
let other: Team;
let member: TestClient;

const tokenOf = (link: string) => new URL(link).searchParams.get('token') as string;

async function invite(admin: TestClient, email = uniqueEmail('invitee')) {
  const res = await admin.gql(INVITE, { i: { email } });
  expect(res.errors).toBeUndefined();
  return { email, id: res.data!.inviteMember.invitation.id as string, token: res.data!.inviteMember.token as string };
}

beforeAll(async () => {
  server = await startTestServer({ PUBLIC_URL });
  [acme, other] = await Promise.all([setUpTeam(server, 'Acme'), setUpTeam(server, 'Other')]);
  const { token } = await invite(acme.admin);
  member = server.client();
  expect((await member.gql(ACCEPT, { i: { token, password: PASSWORD } })).errors).toBeUndefined();
});
afterAll(() => server?.stop());

describe('renewInvitationLink: a new link for a pending invitation', () => {
  it('an admin gets a new link: the old one is refused, the new one joins the team, and it is audited', async () => {
    const { email, id, token: old } = await invite(acme.admin);
    const res = await acme.admin.gql(RENEW, { id });
    expect(res.errors).toBeUndefined();
    const { link, invitation } = res.data!.renewInvitationLink;
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/accept-invitation\\?token=`));
    expect(invitation).toMatchObject({ id, email });
    expect(new Date(invitation.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const [row] = await sql<{ token_hash: string }>(server.databaseUrl, 'select token_hash from invitation where id = $1', [id]);
    expect(row.token_hash).not.toContain(tokenOf(link));

    const stale = await server.client().gql(ACCEPT, { i: { token: old, password: PASSWORD } });
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    const joined = await server.client().gql(ACCEPT, { i: { token: tokenOf(link), password: PASSWORD } });
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.acceptInvitation).toEqual({ email, team: { id: acme.teamId } });

    const audit = await sql(server.databaseUrl, 'select action from audit_event where target_id = $1 order by created_at', [id]);
    expect(audit.map((a) => a.action)).toContain('member.invitation_link_renewed');
  });

  it('a member and API keys are FORBIDDEN, and the link keeps working', async () => {
    const { id, token } = await invite(acme.admin);
    for (const [client, headers] of [
      [member, {}],
      [server.client(), { authorization: `Bearer ${acme.full.token}` }],
      [server.client(), { authorization: `Bearer ${acme.sending.token}` }],
    ] as const) {
      const res = await client.gql(RENEW, { id }, headers);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(res.data ?? null).toBeNull();
    }
    expect((await server.client().gql(`query($t: String!) { invitationPreview(token: $t) { email } }`, { t: token })).data?.invitationPreview).not.toBeNull();
  });

  it("another team's invitation, an accepted one, a missing or malformed id are NOT_FOUND and change nothing", async () => {
    const theirs = await invite(other.admin);
    const accepted = await invite(acme.admin);
    expect((await server.client().gql(ACCEPT, { i: { token: accepted.token, password: PASSWORD } })).errors).toBeUndefined();
    for (const id of [theirs.id, accepted.id, MISSING_ID, 'not-an-id']) {
      const res = await acme.admin.gql(RENEW, { id });
      expect(res.errors?.[0].extensions?.code, id).toBe('NOT_FOUND');
    }
    const preview = await server.client().gql(`query($t: String!) { invitationPreview(token: $t) { email } }`, { t: theirs.token });
    expect(preview.data?.invitationPreview).toEqual({ email: theirs.email });
  });
});
