import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
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
