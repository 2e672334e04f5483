import 'reflect-metadata';
import { type GraphQLSchema, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../graphql/schema.js';
import { redact, redactGraphql, redactQueryText } from './redact.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

const graphql = (query: string, data: unknown, variables?: Record<string, unknown>) =>
  redactGraphql({ schema, document: parse(query), query, variables, response: { data } });

describe('redactGraphql: secret fields by the schema, whatever the alias', () => {
  it('inviteMember, createApiKey and rollApiKey tokens, aliased, in fragments, in inline fragments', () => {
    // Values that look like nothing in particular: only the schema can tell they are secrets.
    const res = graphql(
      `mutation { i: inviteMember(input: { email: "a@b.co", role: ADMIN }) { t: token invitation { email } }
                  c: createApiKey(input: { name: "n", permission: FULL_ACCESS }) { ...F }
                  r: rollApiKey(id: "x", input: { gracePeriodSeconds: 0 }) { ... on CreateApiKeyPayload { secretless: token } } }
       fragment F on CreateApiKeyPayload { k: token apiKey { tokenStart } }`,
      { i: { t: 'plain-one', invitation: { email: 'a@b.co' } }, c: { k: 'plain-two', apiKey: { tokenStart: 're_abc' } }, r: { secretless: 'plain-three' } },
    );
    const text = JSON.stringify(res.responseBody);
    for (const v of ['plain-one', 'plain-two', 'plain-three']) expect(text).not.toContain(v);
    expect(res.responseBody).toMatchObject({
      data: { i: { t: '[redacted]', invitation: { email: 'a@b.co' } }, c: { k: '[redacted]' }, r: { secretless: '[redacted]' } },
    });
  });

  it('leaves other fields alone, even named after a secret (apiKeys, apiKey, tokenStart, apiKeyId)', () => {
    const res = graphql(`{ apiKeys { id name tokenStart } }`, { apiKeys: [{ id: '1', name: 'plain-name', tokenStart: 're_abc' }] });
    expect(res.responseBody).toEqual({ data: { apiKeys: [{ id: '1', name: 'plain-name', tokenStart: 're_abc' }] } });
    expect(redact({ apiKey: { id: '1', name: 'n' }, apiKeyId: '1', api_key_id: '2', tokens: ['a', { token: 'b', id: '3' }] })).toEqual({
      apiKey: { id: '1', name: 'n' },
      apiKeyId: '1',
      api_key_id: '2',
      tokens: ['[redacted]', { token: '[redacted]', id: '3' }],
    });
  });

  it('takes secret arguments out of the query text and the variables they use', () => {
    const query = `mutation($p: String!, $email: String!) {
      signIn(input: { email: $email, password: "hunter2 inline" }) { id }
      acceptInvitation(input: { token: """block""", password: $p }) { id } }`;
    const res = graphql(query, null, { p: 'hunter3', email: 'a@b.co' });
    expect(res.requestBody).toEqual({
      query: query.replace('"hunter2 inline"', '"[redacted]"').replace('"""block"""', '"[redacted]"'),
      variables: { p: '[redacted]', email: 'a@b.co' },
    });
  });

  it('a query that does not parse is redacted by pattern', () => {
    const { query } = redactQueryText('mutation { signIn(input: { pwd: "one", password: "two" ');
    expect(query).not.toMatch(/one|two/);
  });
});

describe('redact', () => {
  it('by name: pwd, privateKey, session, bearer, clientSecret, x-api-key…', () => {
    const out = redact({ pwd: 'a', privateKey: 'b', private_key: 'c', session: 'd', bearer: 'e', clientSecret: 'f', 'x-api-key': 'g', name: 'kept', ok: true });
    expect(out).toEqual({
      pwd: '[redacted]',
      privateKey: '[redacted]',
      private_key: '[redacted]',
      session: '[redacted]',
      bearer: '[redacted]',
      clientSecret: '[redacted]',
      'x-api-key': '[redacted]',
      name: 'kept',
      ok: true,
    });
  });

  it('by value: API keys, invitation and session tokens, Bearer credentials', () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE';
    expect(token).toHaveLength(43);
    const out = redact({ note: `key re_${'a1B2'.repeat(10)} token ${token}. Authorization: Bearer xyz.abc` }) as { note: string };
    expect(out.note).toBe('key re_[redacted] token [redacted]. Authorization: Bearer [redacted]');
    // Not shorter or longer runs: ids and hashes are kept.
    expect(redact('00000000-0000-4000-8000-000000000000')).toBe('00000000-0000-4000-8000-000000000000');
    expect(redact('a'.repeat(64))).toBe('a'.repeat(64));
  });
});

describe('long strings', () => {
  it('are cut to their start, redacted, with no token cut in two left at the end', () => {
    const token = `${'Zz9_'.repeat(10)}abc`;
    expect(token).toHaveLength(43);
    const long = `${'x '.repeat(90)}${token} ${'y'.repeat(5000)}`;
    const out = redact(long) as string;
    expect(out).toMatch(/… \[5224 characters\]$/);
    expect(out).not.toContain(token.slice(0, 10));
    expect(out.startsWith('x x ')).toBe(true);
  });
});
