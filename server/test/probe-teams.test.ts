import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestServer } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

/*
 * Defects found by an outside review of accounts, teams and invitations over GraphQL, and of the
 * Emails list's search, each pinned with the requests that showed it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(() => server?.stop());

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id email } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { id email } }`;
const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id email } } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id email team { id } } }`;

describe('searching emails for letters outside ASCII (the database folds ASCII only)', () => {
  let acme: Team;
  const ids: Record<string, string> = {};
  const send = async (label: string, to: string, subject: string) => {
    const res = await api(server, '/emails', {
      method: 'POST',
      token: acme.full.token,
      body: JSON.stringify({ from: 'news@acme.com', to, subject, text: 'x' }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids[label] = (res.body as { id: string }).id;
  };
  const restFound = async (search: string) => {
    const res = await api(server, `/emails?search=${encodeURIComponent(search)}`, { token: acme.full.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as { data: { id: string }[] }).data.map((e) => e.id).sort();
  };
  const labels = (...l: string[]) => l.map((x) => ids[x]).sort();

  beforeAll(async () => {
    acme = await setUpTeam(server, 'Acme');
    await send('to', 'élodie@accents.example', 'Hello');
    await send('subject', 'plain@accents.example', 'Bonjour Élodie Ørsted');
    await send('greek', 'eleni@accents.example', 'Για την Ελένη');
    await send('ascii', 'elodie@plain.example', 'Plain ELODIE');
  });

  it('GET /emails?search finds a recipient or subject whatever the case of its accented or Greek letters', async () => {
    expect(await restFound('ÉLODIE')).toEqual(labels('to', 'subject'));
    expect(await restFound('élodie')).toEqual(labels('to', 'subject'));
    expect(await restFound('øRSTED')).toEqual(labels('subject'));
    expect(await restFound('ΕΛΈΝΗ')).toEqual(labels('greek'));
    // ASCII as before, in any case; regular-expression characters beside such a letter are literal.
    expect(await restFound('elodie')).toEqual(labels('ascii'));
    expect(await restFound('Ørsted.*')).toEqual([]);
  });

  it('the emails connection and the EMAILS export find the same', async () => {
    const res = await acme.admin.gql(`query($f: EmailFilter) { emails(filter: $f) { edges { node { id } } } }`, { f: { search: 'ÉLODIE' } });
    expect(res.errors).toBeUndefined();
    expect((res.data!.emails.edges as { node: { id: string } }[]).map((e) => e.node.id).sort()).toEqual(labels('to', 'subject'));
    const ex = await acme.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { rowCount } }`, {
      input: { resource: 'EMAILS', emails: { search: 'ελένη' } },
    });
    expect(ex.errors).toBeUndefined();
    expect(ex.data!.createExport.rowCount).toBe(1);
  });
});

/** A unique address at an internationalised domain, in both spellings: Unicode and punycode. */
let idn = 0;
const idnAddress = (label: string) => {
  const local = `${label}-${Date.now()}-${idn++}`;
  return { unicode: `${local}@bücher.example`, punycode: `${local}@xn--bcher-kva.example`, local };
};
const code = (res: { errors?: { extensions?: { code?: string; field?: string } }[] }) => res.errors?.[0]?.extensions?.code;
const usersLike = async (local: string) =>
  sql<{ id: string; email: string }>(server.databaseUrl, "select id, email from app_user where split_part(email, '@', 1) in ($1, $2)", [
    local,
    local.normalize('NFD'),
  ]);

describe('an account is one address in any spelling: an internationalised domain, Unicode composed or decomposed', () => {
  it('a sign-up in the other spelling of an existing account is refused; a sign-in in either spelling reaches it', async () => {
    const a = idnAddress('ann');
    const first = await server.client().gql(SIGN_UP, { input: { email: a.unicode, password: PASSWORD, teamName: 'Bücher' } });
    expect(first.errors).toBeUndefined();
    const second = await server.client().gql(SIGN_UP, { input: { email: a.punycode.toUpperCase(), password: PASSWORD, teamName: 'Bücher 2' } });
    expect(code(second)).toBe('BAD_USER_INPUT');
    expect(second.errors![0].message).toMatch(/already exists/);
    expect(await usersLike(a.local)).toHaveLength(1);
    for (const email of [a.punycode, a.unicode.toUpperCase()]) {
      const res = await server.client().gql(SIGN_IN, { input: { email, password: PASSWORD } });
      expect(res.errors, email).toBeUndefined();
      expect(res.data!.signIn.id).toBe(first.data!.signUp.id);
    }
    // Signed up in punycode, kept (and shown) in the one spelling.
    const b = idnAddress('bob');
    const res = await server.client().gql(SIGN_UP, { input: { email: b.punycode, password: PASSWORD, teamName: 'Bücher 3' } });
    expect(res.data!.signUp.email).toBe(b.unicode);
    expect((await server.client().gql(SIGN_IN, { input: { email: b.unicode, password: PASSWORD } })).errors).toBeUndefined();
  });

  it('josé typed composed and decomposed (as macOS pastes) is one account', async () => {
    const local = `josé-${Date.now()}`;
    const composed = `${local}@example.com`;
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const first = await server.client().gql(SIGN_UP, { input: { email: decomposed, password: PASSWORD, teamName: 'José' } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.signUp.email).toBe(composed);
    const second = await server.client().gql(SIGN_UP, { input: { email: composed, password: PASSWORD, teamName: 'José 2' } });
    expect(code(second)).toBe('BAD_USER_INPUT');
    expect(await usersLike(local)).toHaveLength(1);
    for (const email of [composed, decomposed]) {
      const res = await server.client().gql(SIGN_IN, { input: { email, password: PASSWORD } });
      expect(res.errors, email).toBeUndefined();
    }
  });

  it("an invitation in the other spelling joins the existing account with its password, and a member's other spelling is already a member", async () => {
    const a = idnAddress('cat');
    const own = await server.client().gql(SIGN_UP, { input: { email: a.unicode, password: PASSWORD, teamName: 'Own' } });
    expect(own.errors).toBeUndefined();
    const other = await signUpAdmin(server, 'Other');
    const sent = await other.client.gql(INVITE, { input: { email: a.punycode, role: 'MEMBER' } });
    expect(sent.errors).toBeUndefined();
    // A new password is a wrong one for the existing account: no second account is made.
    const wrong = await server.client().gql(ACCEPT, { input: { token: sent.data!.inviteMember.token, password: 'another password 123' } });
    expect(code(wrong)).toBe('UNAUTHENTICATED');
    expect(await usersLike(a.local)).toHaveLength(1);
    const joined = await server.client().gql(ACCEPT, { input: { token: sent.data!.inviteMember.token, password: PASSWORD } });
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.acceptInvitation.id).toBe(own.data!.signUp.id);
    expect(joined.data!.acceptInvitation.team.id).toBe(other.user.team.id);
    expect(await usersLike(a.local)).toHaveLength(1);
    // Now a member of Other: inviting either spelling again is refused.
    const again = await other.client.gql(INVITE, { input: { email: a.unicode.toUpperCase(), role: 'ADMIN' } });
    expect(code(again)).toBe('BAD_USER_INPUT');
    expect(again.errors![0].message).toMatch(/already a member/);
  });

  it('a new invitation in one spelling replaces the pending one in the other (one live link per person)', async () => {
    const a = idnAddress('dan');
    const admin = await signUpAdmin(server, 'Inviter');
    const first = await admin.client.gql(INVITE, { input: { email: a.unicode, role: 'ADMIN' } });
    const second = await admin.client.gql(INVITE, { input: { email: a.punycode, role: 'MEMBER' } });
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    const pending = await admin.client.gql(`{ team { invitations { id email role } } }`);
    expect(pending.data!.team.invitations).toEqual([{ id: second.data!.inviteMember.invitation.id, email: a.unicode, role: 'MEMBER' }]);
    const old = await server.client().gql(ACCEPT, { input: { token: first.data!.inviteMember.token, password: PASSWORD } });
    expect(code(old)).toBe('BAD_USER_INPUT');
  });

  it("failed sign-ins at one spelling count against the other's budget: the spellings are one account", async () => {
    const a = idnAddress('eve');
    const up = await server.client().gql(SIGN_UP, { input: { email: a.unicode, password: PASSWORD, teamName: 'Eve' } });
    expect(up.errors).toBeUndefined();
    const from = (email: string, password: string) => server.client().gql(SIGN_IN, { input: { email, password } }, { 'x-forwarded-for': '198.51.100.77' });
    for (let i = 0; i < 10; i++) expect(code(await from(a.unicode, `wrong guess ${i}`))).toBe('UNAUTHENTICATED');
    expect(code(await from(a.punycode, 'wrong guess 10'))).toBe('RATE_LIMITED');
  });
});

describe('an address that is no mailbox is refused at sign-up and invitation, naming the field', () => {
  it('angle brackets, a trailing comma or semicolon, quotes or a control character: BAD_USER_INPUT, nothing written', async () => {
    const admin = await signUpAdmin(server, 'Strict');
    const local = `odd-${Date.now()}`;
    for (const email of [
      `<${local}@example.com>`,
      `${local}@example.com,`,
      `${local}@example.com;`,
      `"${local}"@example.com`,
      `${local}\u0001@example.com`,
      `${local}@exa(mple).com`,
    ]) {
      const up = await server.client().gql(SIGN_UP, { input: { email, password: PASSWORD, teamName: 'Odd' } });
      expect(code(up), email).toBe('BAD_USER_INPUT');
      expect(up.errors![0].extensions).toMatchObject({ field: 'email' });
      const inv = await admin.client.gql(INVITE, { input: { email, role: 'MEMBER' } });
      expect(code(inv), email).toBe('BAD_USER_INPUT');
      expect(inv.errors![0].extensions).toMatchObject({ field: 'email' });
    }
    expect(await sql(server.databaseUrl, 'select 1 from app_user where email like $1', [`%${local}%`])).toEqual([]);
    expect(await sql(server.databaseUrl, 'select 1 from invitation where email like $1', [`%${local}%`])).toEqual([]);
    // A plain address, and one with a plus or an internationalised domain, still sign up.
    for (const email of [`${local}+tag@example.com`, `${local}@bücher.example`, `${local}.x@sub.example.co.uk`]) {
      const up = await server.client().gql(SIGN_UP, { input: { email, password: PASSWORD, teamName: 'Fine' } });
      expect(up.errors, email).toBeUndefined();
    }
  });
});

describe('searching emails typed composed or decomposed (as macOS pastes)', () => {
  it('a search in either Unicode form finds a subject or recipient written in the other', async () => {
    const acme = await setUpTeam(server, 'Forms');
    const send = async (to: string, subject: string) => {
      const res = await api(server, '/emails', {
        method: 'POST',
        token: acme.full.token,
        body: JSON.stringify({ from: 'news@forms.com', to, subject, text: 'x' }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body as { id: string }).id;
    };
    const composed = await send('plain@example.com', 'Pour José');
    const decomposed = await send('ines@example.com', 'Pour Rene\u0301e');
    const found = async (search: string) => {
      const res = await api(server, `/emails?search=${encodeURIComponent(search)}`, { token: acme.full.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body as { data: { id: string }[] }).data.map((e) => e.id);
    };
    expect(await found('jose\u0301')).toEqual([composed]);
    expect(await found('JOSÉ')).toEqual([composed]);
    expect(await found('renée')).toEqual([decomposed]);
    expect(await found('RENÉE')).toEqual([decomposed]);
    expect(await found('Rene\u0301e')).toEqual([decomposed]);
  });
});

describe('a password typed composed or decomposed (NIST SP 800-63B: normalised before it is hashed)', () => {
  it('signs in with either form, and accepting an invitation or changing the password checks it the same way', async () => {
    const composed = 'Grüße aus Köln 2026';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const client = server.client();
    const email = `nfc-${Date.now()}@example.com`;
    const up = await client.gql(SIGN_UP, { input: { email, password: decomposed, teamName: 'Köln' } });
    expect(up.errors).toBeUndefined();
    for (const password of [composed, decomposed]) {
      const res = await server.client().gql(SIGN_IN, { input: { email, password } });
      expect(res.errors, password === composed ? 'composed' : 'decomposed').toBeUndefined();
    }
    // The same password in the other form is not a new one.
    const same = await client.gql(`mutation($input: ChangePasswordInput!) { changePassword(input: $input) }`, {
      input: { currentPassword: composed, newPassword: decomposed },
    });
    expect(code(same)).toBe('BAD_USER_INPUT');
    expect(same.errors![0].extensions).toMatchObject({ field: 'newPassword' });
    // An invitation joins the existing account with its password in the other form.
    const other = await signUpAdmin(server, 'Other Köln');
    const sent = await other.client.gql(INVITE, { input: { email, role: 'MEMBER' } });
    const joined = await server.client().gql(ACCEPT, { input: { token: sent.data!.inviteMember.token, password: composed } });
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.acceptInvitation.id).toBe(up.data!.signUp.id);
  });
});
