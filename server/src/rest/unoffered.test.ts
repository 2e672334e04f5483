// The route table's answers are kept per method and path: asking again, or with another method,
// must answer as the first time did (a served route, Resend's route not offered, a 405, a 404).
import { describe, expect, it } from 'vitest';
import type { RestRoute } from './http.js';
import { routeTable } from './unoffered.js';

const route = (method: RestRoute['method'], path: string): RestRoute => ({
  method,
  path,
  access: 'full',
  handle: async () => ({ body: null }),
});

const answer = (e: { statusCode: number; message: string } | null) => (e ? `${e.statusCode} ${e.message}` : 'served');

describe('routeTable().unserved', () => {
  const table = routeTable([route('post', '/emails'), route('get', '/emails/:id')]);

  it('answers each method of one path on its own, however often and in whatever order it is asked', () => {
    const expected = {
      GET: 'served',
      HEAD: 'served',
      // Resend's route, which Keyring does not serve.
      PATCH: "404 Keyring does not offer PATCH /emails/:email_id: it implements part of Resend's API (see docs/resend-compatibility.md).",
      // Keyring's path under a method neither serves: the router answers 405.
      DELETE: 'served',
    };
    for (let round = 0; round < 2; round++) {
      for (const [method, expectation] of Object.entries(expected)) {
        expect(answer(table.unserved(method, '/emails/abc')), `${method}, round ${round + 1}`).toBe(expectation);
      }
    }
    expect(answer(table.unserved('PATCH', '/emails/abc'))).toMatch(/^404 Keyring does not offer PATCH/);
    expect(answer(table.unserved('GET', '/emails/abc'))).toBe('served');
  });

  it('answers paths that are not Resend routes, short or too long to be kept, with a plain 404', () => {
    for (const path of ['/nowhere', `/nowhere/${'x'.repeat(300)}`]) {
      for (let round = 0; round < 2; round++) {
        expect(answer(table.unserved('GET', path))).toBe('404 The requested endpoint does not exist.');
      }
    }
    // A long id under a served route is still served.
    expect(answer(table.unserved('GET', `/emails/${'a'.repeat(300)}`))).toBe('served');
  });
});
