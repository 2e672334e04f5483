import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, setUpTeam, type Team } from './rest-harness.js';

// Adversarial probes of contacts and broadcasts (REST, GraphQL, exports): each pins a bug found and fixed.
let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
}, 120_000);
afterAll(() => server?.stop());

const post = (path: string, body: unknown, token = acme.full.token) => api(server, path, { method: 'POST', token, body: JSON.stringify(body) });
const patch = (path: string, body: unknown, token = acme.full.token) => api(server, path, { method: 'PATCH', token, body: JSON.stringify(body) });
const idOf = (res: { body: unknown }) => (res.body as { id: string }).id;

/** Runs `during` while the row is locked by another transaction, which then deletes it. */
async function deletedWhileLocked<T>(id: string, during: () => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server.databaseUrl });
  await c.connect();
  try {
    await c.query('begin');
    await c.query('select 1 from contact where id = $1 for update', [id]);
    const pending = during();
    // Long enough for the request to have read the contact and to wait on the lock.
    await new Promise((r) => setTimeout(r, 1500));
    await c.query('delete from contact where id = $1', [id]);
    await c.query('commit');
    return await pending;
  } finally {
    await c.end();
  }
}

describe('PATCH /contacts/:idOrEmail racing a DELETE', () => {
  it('answers 404 not_found, not 200, when the contact is deleted while it is being updated', async () => {
    const id = idOf(await post('/contacts', { email: 'victim@example.com' }));
    const res = await deletedWhileLocked(id, () => patch(`/contacts/${id}`, { first_name: 'Late' }));
    expect(await count(server, 'contact', 'id = $1', [id])).toBe(0);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, name: 'not_found' });
  }, 60_000);

  it('two concurrent updates of different fields both keep their change', async () => {
    const id = idOf(await post('/contacts', { email: 'both@example.com', first_name: 'A', last_name: 'B' }));
    const [a, b] = await Promise.all([patch(`/contacts/${id}`, { first_name: 'Ann' }), patch(`/contacts/${id}`, { unsubscribed: true })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const [row] = await sql(server.databaseUrl, 'select first_name, last_name, unsubscribed from contact where id = $1', [id]);
    expect(row).toEqual({ first_name: 'Ann', last_name: 'B', unsubscribed: true });
  });
});

describe('POST /broadcasts subject', () => {
  it('keeps a subject on one line, as POST /emails does: each line break becomes a space', async () => {
    const res = await post('/broadcasts', { from: 'news@acme.com', subject: 'Hi\r\nBcc: x@y.com\nthere', text: 'x' });
    expect(res.status).toBe(200);
    const got = await api(server, `/broadcasts/${idOf(res)}`, { token: acme.full.token });
    expect((got.body as { subject: string }).subject).toBe('Hi Bcc: x@y.com there');
  });

  it('refuses a subject longer than a header line allows (997), as POST /emails does, and writes nothing', async () => {
    const before = await count(server, 'broadcast');
    const res = await post('/broadcasts', { from: 'news@acme.com', subject: 's'.repeat(998), text: 'x' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/subject.*997/) });
    expect(await count(server, 'broadcast')).toBe(before);
    expect((await post('/broadcasts', { from: 'news@acme.com', subject: 's'.repeat(997), text: 'x' })).status).toBe(200);
  });
});

describe('contacts with an internationalised domain', () => {
  it('one address in either spelling of its domain (unicode or punycode) is one contact: found by both, not created twice', async () => {
    const created = await post('/contacts', { email: 'Ann@Bücher.example' });
    expect(created.status).toBe(200);
    const id = idOf(created);
    for (const spelling of ['ann@xn--bcher-kva.example', 'ann@bücher.example', 'ANN@XN--BCHER-KVA.EXAMPLE']) {
      const got = await api(server, `/contacts/${encodeURIComponent(spelling)}`, { token: acme.full.token });
      expect(got.status, spelling).toBe(200);
      expect(got.body).toMatchObject({ id, email: 'ann@bücher.example' });
    }
    const before = await count(server, 'contact');
    const again = await post('/contacts', { email: 'ann@xn--bcher-kva.example' });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/already exists/) });
    expect(await count(server, 'contact')).toBe(before);
  });

  it('the other way round: a punycode contact is found, updated and deleted by its unicode spelling', async () => {
    const id = idOf(await post('/contacts', { email: 'bob@xn--mnchen-3ya.example' }));
    expect((await post('/contacts', { email: 'bob@münchen.example' })).status).toBe(422);
    expect((await patch(`/contacts/${encodeURIComponent('bob@münchen.example')}`, { unsubscribed: true })).body).toEqual({ object: 'contact', id });
    const del = await api(server, `/contacts/${encodeURIComponent('bob@MÜNCHEN.example')}`, { method: 'DELETE', token: acme.full.token });
    expect(del.status).toBe(200);
    expect(await count(server, 'contact', 'id = $1', [id])).toBe(0);
  });
});

describe('DELETE /broadcasts/:id with the id in capitals', () => {
  it("answers the broadcast's id as GET and the list spell it, not as the path wrote it", async () => {
    const id = idOf(await post('/broadcasts', { from: 'news@acme.com', subject: 's', text: 'x' }));
    const got = await api(server, `/broadcasts/${id.toUpperCase()}`, { token: acme.full.token });
    expect(got.body).toMatchObject({ id });
    const del = await api(server, `/broadcasts/${id.toUpperCase()}`, { method: 'DELETE', token: acme.full.token });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ object: 'broadcast', id, deleted: true });
  });
});

describe('POST /broadcasts preview_text length', () => {
  it('counts characters as the column does (code points): 500 emoji fit, 501 do not, and nothing is written for 501', async () => {
    const res = await post('/broadcasts', { from: 'news@acme.com', subject: 's', text: 'x', preview_text: '😀'.repeat(500) });
    expect(res.status).toBe(200);
    const got = await api(server, `/broadcasts/${idOf(res)}`, { token: acme.full.token });
    expect((got.body as { preview_text: string }).preview_text).toBe('😀'.repeat(500));
    const before = await count(server, 'broadcast');
    const long = await post('/broadcasts', { from: 'news@acme.com', subject: 's', text: 'x', preview_text: '😀'.repeat(501) });
    expect(long.status).toBe(422);
    expect(long.body).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/preview_text.*500/) });
    expect(await count(server, 'broadcast')).toBe(before);
  });
});

describe('POST /broadcasts from length', () => {
  it('takes a `from` of up to 320 characters counted in code points, as POST /emails does', async () => {
    const from = `${'😀'.repeat(200)} <news@acme.com>`; // 215 code points, 415 UTF-16 units
    const res = await post('/broadcasts', { from, subject: 's', text: 'x' });
    expect(res.status).toBe(200);
    expect((await api(server, `/broadcasts/${idOf(res)}`, { token: acme.full.token })).body).toMatchObject({ from });
    const tooLong = await post('/broadcasts', { from: `${'😀'.repeat(306)} <news@acme.com>`, subject: 's', text: 'x' });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/from/) });
  });
});

describe('search in any case, letters outside ASCII included (the database runs in the C locale)', () => {
  const CONTACTS = `query($f: ContactFilter) { contacts(filter: $f) { edges { node { email } } } }`;
  const emailsFound = async (q: string) =>
    ((await api(server, `/contacts?search=${encodeURIComponent(q)}`, { token: acme.full.token })).body as { data: { email: string }[] }).data
      .map((c) => c.email)
      .sort();

  beforeAll(async () => {
    await post('/contacts', { email: 'élodie@accents.example', first_name: 'Élodie', last_name: 'Ørsted' });
    await post('/contacts', { email: 'eleni@accents.example', first_name: 'Ελένη', last_name: 'Жукова' });
    await post('/contacts', { email: 'plain@accents.example', first_name: 'Elodie', last_name: 'a.b(c)' });
    await post('/contacts', { email: 'aris@accents.example', first_name: 'Αρης' });
    await post('/broadcasts', { name: 'Ünïcode Ñews', from: 'news@acme.com', subject: 'Ça va', text: 'x' });
  });

  it('GET /contacts finds a name or address whatever the case of its accented, Greek or Cyrillic letters', async () => {
    expect(await emailsFound('ÉLODIE')).toEqual(['élodie@accents.example']);
    expect(await emailsFound('élodie')).toEqual(['élodie@accents.example']);
    expect(await emailsFound('øRSTED')).toEqual(['élodie@accents.example']);
    expect(await emailsFound('ΕΛΈΝΗ')).toEqual(['eleni@accents.example']);
    expect(await emailsFound('жуКОВА')).toEqual(['eleni@accents.example']);
    // A final sigma (ς) is found by Σ, as by σ.
    expect(await emailsFound('ΑΡΗΣ')).toEqual(['aris@accents.example']);
    expect(await emailsFound('αρησ')).toEqual(['aris@accents.example']);
    // ASCII and wildcards as before: literally, in any case.
    expect(await emailsFound('ELODIE')).toEqual(['plain@accents.example']);
    expect(await emailsFound('A.B(C)')).toEqual(['plain@accents.example']);
  });

  it('the contacts connection and the export of contacts find the same', async () => {
    const res = await acme.admin.gql(CONTACTS, { f: { search: 'ÉLODIE' } });
    expect(res.data!.contacts.edges).toEqual([{ node: { email: 'élodie@accents.example' } }]);
    const ex = await acme.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { rowCount } }`, {
      input: { resource: 'CONTACTS', contacts: { search: 'жукова' } },
    });
    expect(ex.errors).toBeUndefined();
    expect(ex.data!.createExport.rowCount).toBe(1);
    // Regular-expression characters beside such a letter match literally, in the export's inlined SQL too.
    const odd = "Ørsted'.*(\\[x]{2}|$^+?";
    expect(await emailsFound(odd)).toEqual([]);
    const none = await acme.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { rowCount } }`, {
      input: { resource: 'CONTACTS', contacts: { search: odd } },
    });
    expect(none.errors).toBeUndefined();
    expect(none.data!.createExport.rowCount).toBe(0);
    await post('/contacts', { email: 'odd@accents.example', last_name: odd });
    expect(await emailsFound(odd.toLowerCase())).toEqual(['odd@accents.example']);
  });

  it('GET /broadcasts finds a name or subject in any case', async () => {
    for (const q of ['ÜNÏCODE', 'ñEWS', 'ça VA']) {
      const res = await api(server, `/broadcasts?search=${encodeURIComponent(q)}`, { token: acme.full.token });
      expect(
        (res.body as { data: { name: string }[] }).data.map((b) => b.name),
        q,
      ).toEqual(['Ünïcode Ñews']);
    }
  });
});

describe('concurrent creations of one address in both spellings of its domain', () => {
  it('make one contact: the other answers already exists', async () => {
    for (let i = 0; i < 8; i++) {
      const local = `race${i}`;
      const results = await Promise.all([
        post('/contacts', { email: `${local}@xn--caf-dma.example` }),
        post('/contacts', { email: `${local}@café.example` }),
        post('/contacts', { email: `${local}@CAFÉ.example` }),
      ]);
      expect(results.map((r) => r.status).sort(), local).toEqual([200, 422, 422]);
      expect(await count(server, 'contact', `team_id = $1 and email like $2`, [acme.teamId, `${local}@%`])).toBe(1);
    }
  }, 60_000);
});

describe('names and searches in decomposed Unicode (NFD, as macOS pastes)', () => {
  it('keeps a contact name in NFC, as its address, so that a search typed either way finds it', async () => {
    const id = idOf(await post('/contacts', { email: 'jose@nfd.example', first_name: 'Jose\u0301', last_name: 'Nun\u0303ez' }));
    const [row] = await sql(server.databaseUrl, 'select first_name, last_name from contact where id = $1', [id]);
    expect(row).toEqual({ first_name: 'José', last_name: 'Nu\u00f1ez' });
    for (const q of ['josé', 'JOSE\u0301', 'nu\u00f1ez', 'NUN\u0303EZ']) {
      const res = await api(server, `/contacts?search=${encodeURIComponent(q)}`, { token: acme.full.token });
      expect(
        (res.body as { data: { id: string }[] }).data.map((c) => c.id),
        q,
      ).toEqual([id]);
    }
    await patch(`/contacts/${id}`, { last_name: 'Mu\u0308ller' });
    expect((await sql(server.databaseUrl, 'select last_name from contact where id = $1', [id]))[0]).toEqual({ last_name: 'Müller' });
  });
});
