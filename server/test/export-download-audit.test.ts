import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';
import { createKey } from './rest-harness.js';

// The audit trail records who did what to which export: its creation was there, its downloads were
// not. A download with a session left no trace anywhere, one with a key only its usage log, so an
// admin could take the team's contacts and no one could tell who, or when.

let server: TestServer;
let admin: TestClient;
let adminId: string;
let member: TestClient;
let other: TestClient;
let teamId: string;

const local = (link: string) => link.replace(server.config.PUBLIC_URL, server.url);
const downloads = () =>
  sql<{ target_id: string; actor_id: string | null; actor_api_key_id: string | null; metadata: unknown }>(
    server.databaseUrl,
    `select target_id, actor_id, actor_api_key_id, metadata from audit_event where team_id = $1 and action = 'export.downloaded' order by created_at`,
    [teamId],
  );

beforeAll(async () => {
  server = await startTestServer();
  const a = await signUpAdmin(server, 'Audited downloads');
  admin = a.client;
  adminId = a.user.id;
  teamId = a.user.team.id;
  const invite = await admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
    input: { email: uniqueEmail('member'), role: 'MEMBER' },
  });
  member = server.client();
  await member.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
    input: { token: invite.data!.inviteMember.token, password: PASSWORD },
  });
  other = (await signUpAdmin(server, 'Other team')).client;
});

afterAll(async () => {
  await server?.stop();
});

describe('an export download', () => {
  it('is in the audit trail as export.downloaded, with who (session or key); refused downloads are not', async () => {
    const key = await createKey(admin, { name: 'Downloader', permission: 'FULL_ACCESS' });
    const made = (await admin.gql(`mutation { createExport(input: { resource: API_KEYS }) { id status downloadUrl } }`)).data!.createExport;
    expect(made.status).toBe('READY');
    const url = local(made.downloadUrl);
    // Refused: nothing recorded.
    expect((await fetch(url, { headers: { cookie: member.cookie! } })).status).toBe(403);
    expect((await fetch(url, { headers: { cookie: other.cookie! } })).status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
    expect(await downloads()).toEqual([]);

    const bySession = await fetch(url, { headers: { cookie: admin.cookie! } });
    expect(bySession.status).toBe(200);
    expect((await bySession.text()).startsWith('id,')).toBe(true);
    const byKey = await fetch(url, { headers: { authorization: `Bearer ${key.token}` } });
    expect(byKey.status).toBe(200);
    await byKey.text();
    expect(await downloads()).toEqual([
      { target_id: made.id, actor_id: adminId, actor_api_key_id: null, metadata: { resource: 'API_KEYS', whileWritten: false } },
      { target_id: made.id, actor_id: null, actor_api_key_id: key.id, metadata: { resource: 'API_KEYS', whileWritten: false } },
    ]);

    // On the Audit log page, and for a key (exports are what a key may touch).
    const readers: Record<string, string>[] = [{ cookie: admin.cookie! }, { authorization: `Bearer ${key.token}` }];
    for (const headers of readers) {
      const seen = await server.client().gql(`{ auditEvents(first: 10) { edges { node { action targetId } } } }`, {}, headers);
      expect(seen.data!.auditEvents.edges.filter((e: { node: { action: string } }) => e.node.action === 'export.downloaded')).toHaveLength(2);
    }

    // Expired: 410, not recorded.
    await sql(server.databaseUrl, `update export set expires_at = now() - interval '1 minute' where id = $1`, [made.id]);
    expect((await fetch(url, { headers: { cookie: admin.cookie! } })).status).toBe(410);
    expect(await downloads()).toHaveLength(2);
  });
});
