import 'reflect-metadata';
import { buildSchema, type GraphQLObjectType, type GraphQLSchema, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../graphql/schema.js';
import { MAX_BODY_CHARS, redact, redactGraphql, redactQueryText } from './redact.js';

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

// Found by mutation testing (pnpm test:mutation redact): each case below failed to notice one
// small change to redact.ts.
const TOKEN_43 = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE';
const KEY = `re_${'a1B2'.repeat(10)}`;
const nest = (n: number, leaf: unknown, key = 'a'): unknown => (n === 0 ? leaf : { [key]: nest(n - 1, leaf, key) });
const nestList = (n: number, leaf: unknown): unknown => (n === 0 ? leaf : [nestList(n - 1, leaf)]);

describe('redact by value: where the secret sits in the text', () => {
  it('a token or key that is the whole text, starts it or ends it', () => {
    expect(redact(TOKEN_43)).toBe('[redacted]');
    expect(redact(KEY)).toBe('re_[redacted]');
    expect(redact(`${TOKEN_43} was sent`)).toBe('[redacted] was sent');
    expect(redact(`token=${TOKEN_43}`)).toBe('token=[redacted]');
    expect(redact(`key: ${KEY}`)).toBe('key: re_[redacted]');
  });

  it('the shortest Bearer credential, and one after several spaces', () => {
    expect(redact('Bearer x')).toBe('Bearer [redacted]');
    expect(redact('Authorization: Bearer   abc.def')).toBe('Authorization: Bearer   [redacted]');
  });

  it('re_ followed by 20 characters or more is a key; shorter words starting re_ are kept', () => {
    expect(redact(`re_${'x'.repeat(20)}`)).toBe('re_[redacted]');
    expect(redact(`re_${'x'.repeat(19)}`)).toBe(`re_${'x'.repeat(19)}`);
    expect(redact('see re_try and re_send')).toBe('see re_try and re_send');
  });

  it('undefined is logged as null', () => {
    expect(redact(undefined)).toBeNull();
    expect(redact({ a: undefined })).toEqual({ a: null });
  });
});

describe('redact by name: more names', () => {
  it('pass, passcode, authorization (z and s), apikey, a session identifier; numbers and bigints too', () => {
    const out = redact({
      pass: 'a',
      passcode: 'b',
      authorization: 'c',
      Authorisation: 'd',
      apikey: 'e',
      sessionIdentifier: 'f',
      password: 1234,
      secret: 10n,
      apiKeyName: 'kept',
      sessionStart: 'kept',
    });
    expect(out).toEqual({
      pass: '[redacted]',
      passcode: '[redacted]',
      authorization: '[redacted]',
      Authorisation: '[redacted]',
      apikey: '[redacted]',
      sessionIdentifier: '[redacted]',
      password: '[redacted]',
      secret: '[redacted]',
      apiKeyName: 'kept',
      sessionStart: 'kept',
    });
  });

  it('lists under a secret name, lists in lists too, at most 100 items', () => {
    expect(redact({ password: [['hunter2', 7]], tokens: ['a', null, { id: '1', token: 'b' }] })).toEqual({
      password: [['[redacted]', '[redacted]']],
      tokens: ['[redacted]', null, { id: '1', token: '[redacted]' }],
    });
    const out = redact({ tokens: Array.from({ length: 150 }, (_, i) => `t${i}`) }) as { tokens: string[] };
    expect(out.tokens).toEqual(Array(100).fill('[redacted]'));
  });
});

describe('redact: lists and depth', () => {
  it('lists keep 100 items, redacted by value, and say how many more there were', () => {
    expect(redact({ to: ['a@b.co', TOKEN_43] })).toEqual({ to: ['a@b.co', '[redacted]'] });
    const hundred = Array.from({ length: 100 }, (_, i) => `x${i}@b.co`);
    expect(redact(hundred)).toEqual(hundred);
    expect(redact([...hundred, 'one more'])).toEqual([...hundred, '… [1 more]']);
    expect(redact([...hundred, ...hundred])).toEqual([...hundred, '… [100 more]']);
  });

  it('nests 8 levels deep, then says [too deep]; under secret names and in lists too', () => {
    expect(redact(nest(8, 'leaf'))).toEqual(nest(8, 'leaf'));
    expect(redact(nest(9, 'leaf'))).toEqual(nest(8, '[too deep]'));
    expect(redact(nest(12, 'leaf', 'apiKey'))).toEqual(nest(8, '[too deep]', 'apiKey'));
    expect(redact(nestList(12, 'leaf'))).toEqual(nestList(8, '[too deep]'));
    expect(redact({ password: nestList(12, 'hunter2') })).toEqual({ password: nestList(7, '[too deep]') });
  });
});

describe('long strings: exactly what is kept', () => {
  it('2,000 characters are kept whole; 2,001 are cut', () => {
    const text = 'a b '.repeat(500);
    expect(redact(text)).toBe(text);
    expect(redact(`${text}c`)).toBe(`${text.slice(0, 200)}… [2001 characters]`);
  });

  it('the first 200 characters, less a word cut in two at the end', () => {
    // A word ending at the cut is kept whole.
    expect(redact(`${'x'.repeat(200)} ${'y'.repeat(2000)}`)).toBe(`${'x'.repeat(200)}… [2201 characters]`);
    // A word across the cut goes, the space before it stays.
    expect(redact(`${'x'.repeat(199)} ${'y'.repeat(2000)}`)).toBe(`${'x'.repeat(199)} … [2200 characters]`);
    // A token across the cut goes whole (not kept, not redacted half).
    const long = `${'x '.repeat(90)}${TOKEN_43} ${'y'.repeat(5000)}`;
    expect(redact(long)).toBe(`${'x '.repeat(90)}… [5224 characters]`);
  });
});

describe('redactQueryText', () => {
  it('a query that does not parse: secret-named string values replaced, the rest kept', () => {
    expect(redactQueryText('mutation { signIn(input: { pwd: "one", password: "two", email: "a@b.co" ').query).toBe(
      'mutation { signIn(input: { pwd: "[redacted]", password: "[redacted]", email: "a@b.co" ',
    );
  });

  it('text that does not parse: a name holding a secret name anywhere, escaped quotes and block strings', () => {
    expect(redactQueryText('{ a(mypassword: "x\\"y", x-token : """a\nb""", clientSecret:"s", name: "kept"').query).toBe(
      '{ a(mypassword: "[redacted]", x-token : "[redacted]", clientSecret:"[redacted]", name: "kept"',
    );
  });

  it('text that does not parse is read in linear time (a pattern started at every secret name in a word took 24 s over 300 KB)', () => {
    // Past the test's timeout with the old pattern, many times over; milliseconds now.
    for (const unit of ['pwd', 'token', 'pwd:""', 'a:"']) {
      const text = `{ ${unit.repeat(Math.floor(1_000_000 / unit.length))}`;
      expect(redactQueryText(text).query.length).toBeGreaterThan(900_000);
    }
  });

  it('secret-named arguments, not only input fields', () => {
    const { query, secretVariables } = redactQueryText('{ a(token: "abc", apiKey: $k, name: "kept") { id } }');
    expect(query).toBe('{ a(token: "[redacted]", apiKey: $k, name: "kept") { id } }');
    expect([...secretVariables]).toEqual(['k']);
  });

  it('a query too long to parse here (over 3,000 tokens) is redacted by pattern, comments included', () => {
    const query = `query { ${'me { id } '.repeat(800)}} # password: "hunter2"`;
    expect(redactQueryText(query).query).toBe(query.replace('"hunter2"', '"[redacted]"'));
  });

  it("a long query that was parsed already: the secret argument's variable is still found", () => {
    const query = `mutation($p: String!) { signIn(input: { email: "a@b.co", password: $p }) { id } ${'me { id } '.repeat(800)}}`;
    const res = redactGraphql({ schema, document: parse(query), query, variables: { p: 'hunter2' }, response: { data: null } });
    expect(res.requestBody).toMatchObject({ variables: { p: '[redacted]' } });
  });

  it('a secret variable given as null is logged as null', () => {
    const query = 'mutation($p: String) { signIn(input: { email: "a@b.co", password: $p }) { id } }';
    const res = redactGraphql({ schema, document: parse(query), query, variables: { p: null }, response: { data: null } });
    expect(res.requestBody).toEqual({ query, variables: { p: null } });
  });
});

describe('redactGraphql: which operation, which response', () => {
  const doc = `fragment F on CreateApiKeyPayload { k: token }
    query A { apiKeys { id } }
    mutation B { createApiKey(input: { name: "n", permission: FULL_ACCESS }) { ...F } }`;

  it('reads the secrets of the operation named, not the first definition', () => {
    const res = redactGraphql({ schema, document: parse(doc), operationName: 'B', query: doc, response: { data: { createApiKey: { k: 'plain-secret' } } } });
    expect(res.responseBody).toEqual({ data: { createApiKey: { k: '[redacted]' } } });
  });

  it('the one operation after a fragment, with no name given; a named one after an anonymous one', () => {
    const one = `fragment F on CreateApiKeyPayload { k: token } mutation { createApiKey(input: { name: "n", permission: FULL_ACCESS }) { ...F } }`;
    const response = { data: { createApiKey: { k: 'plain-secret' } } };
    expect(redactGraphql({ schema, document: parse(one), query: one, response }).responseBody).toEqual({ data: { createApiKey: { k: '[redacted]' } } });
    const two = `{ apiKeys { id } } mutation B { createApiKey(input: { name: "n", permission: FULL_ACCESS }) { k: token } }`;
    expect(redactGraphql({ schema, document: parse(two), operationName: 'B', query: two, response }).responseBody).toEqual({
      data: { createApiKey: { k: '[redacted]' } },
    });
  });

  it('variables without a query text are kept as they are (by name and value only)', () => {
    expect(redactGraphql({ schema, variables: { a: 1, password: 'x' }, response: null }).requestBody).toEqual({
      variables: { a: 1, password: '[redacted]' },
      query: null,
    });
  });

  it('an operation name the document does not have: the response is kept as it is', () => {
    const response = { data: { createApiKey: { k: 'plain' } } };
    expect(redactGraphql({ schema, document: parse(doc), operationName: 'Missing', query: doc, response }).responseBody).toEqual(response);
  });

  it('a null or missing secret field stays null or missing; data null stays null; no data adds none', () => {
    const q = 'mutation { createApiKey(input: { name: "n", permission: FULL_ACCESS }) { token apiKey { id } } }';
    const run = (response: unknown) => redactGraphql({ schema, document: parse(q), query: q, response }).responseBody;
    expect(run({ data: { createApiKey: { token: null, apiKey: null } } })).toStrictEqual({ data: { createApiKey: { token: null, apiKey: null } } });
    expect(run({ data: { createApiKey: { apiKey: { id: '1' } } } })).toStrictEqual({ data: { createApiKey: { apiKey: { id: '1' } } } });
    expect(run({ data: null })).toStrictEqual({ data: null });
    expect(run({ errors: [{ message: 'no' }] })).toStrictEqual({ errors: [{ message: 'no' }] });
    expect(run(null)).toBeNull();
    expect(run('plain text')).toBe('plain text');
    // Without a document (it did not parse), only by name and value.
    expect(redactGraphql({ schema, query: '{', response: { data: { token: 'x', other: 'kept' } } }).responseBody).toEqual({
      data: { token: '[redacted]', other: 'kept' },
    });
  });
});

describe('redactGraphql: documents that do not validate are logged, not thrown on', () => {
  // A small schema of its own: a list of objects with a secret, a type that refers to itself, a
  // union, and no mutation type.
  const own = buildSchema(`
    type Query { node: Node nodes: [Node] u: U }
    type Node { id: ID token: String child: Node }
    union U = Node`);
  (own.getType('Node') as GraphQLObjectType).getFields().token.extensions = { secret: true };
  const run = (query: string, data: unknown) => redactGraphql({ schema: own, document: parse(query), query, response: { data } }).responseBody;

  it('a secret in every item of a list', () => {
    expect(
      run('{ nodes { id t: token } }', {
        nodes: [
          { id: '1', t: 'plain-a' },
          { id: '2', t: 'plain-b' },
        ],
      }),
    ).toEqual({
      data: {
        nodes: [
          { id: '1', t: '[redacted]' },
          { id: '2', t: '[redacted]' },
        ],
      },
    });
  });

  it('cyclic fragments, through a field too', () => {
    expect(run('{ ...F } fragment F on Query { ...F node { t: token } }', { node: { t: 'plain' } })).toEqual({ data: { node: { t: '[redacted]' } } });
    expect(run('{ node { ...G } } fragment G on Node { t: token child { ...G } }', { node: { t: 'plain', child: null } })).toEqual({
      data: { node: { t: '[redacted]', child: null } },
    });
  });

  it('unknown fields, fragments and types, a union, a missing root type, a key read twice', () => {
    expect(run('{ nope { id } node { t: token } }', { node: { t: 'plain' } })).toEqual({ data: { node: { t: '[redacted]' } } });
    expect(run('{ ...Missing node { t: token } }', { node: { t: 'plain' } })).toEqual({ data: { node: { t: '[redacted]' } } });
    expect(run('{ ... on Nope { id } node { t: token } }', { node: { t: 'plain' } })).toEqual({ data: { node: { t: '[redacted]' } } });
    expect(run('{ u { ... on Node { id } } }', { u: { id: '1' } })).toEqual({ data: { u: { id: '1' } } });
    expect(run('mutation { node { id } }', { node: { id: '1' } })).toEqual({ data: { node: { id: '1' } } });
    expect(run('{ u { __typename ... on Node { id } } }', { u: { __typename: 'Node', id: '1' } })).toEqual({ data: { u: { __typename: 'Node', id: '1' } } });
    expect(run('{ node { t: token t: child { token } } }', { node: { t: 'plain' } })).toEqual({ data: { node: { t: '[redacted]' } } });
    // A response that does not have the document's shape is kept as it is.
    expect(run('{ node { t: token } }', { node: 'plain' })).toEqual({ data: { node: 'plain' } });
  });

  it('a secret read through a chain of 29 fragments is found', () => {
    const fragments = Array.from({ length: 29 }, (_, i) => `fragment F${i + 1} on Query { ${i + 1 < 29 ? `...F${i + 2}` : 'node { t: token }'} }`).join(' ');
    expect(run(`{ ...F1 } ${fragments}`, { node: { t: 'plain' } })).toEqual({ data: { node: { t: '[redacted]' } } });
  });
});

describe('redact: field names and the size of one body', () => {
  const KEY_A = `re_${'A'.repeat(30)}`;
  const KEY_B = `re_${'B'.repeat(30)}`;

  it('a field name holding a token is redacted like a value; two names redacted alike are both kept', () => {
    expect(redact({ [KEY_A]: 1, plain: 'kept' })).toEqual({ 're_[redacted]': 1, plain: 'kept' });
    expect(redact({ [KEY_A]: 1, [KEY_B]: 2, [`${KEY_A}x`]: 3 })).toEqual({ 're_[redacted]': 1, 're_[redacted]′': 2, 're_[redacted]′′': 3 });
    // A name as long as an attachment is cut like one.
    const name = 'a b '.repeat(500);
    expect(Object.keys(redact({ [`${name}c`]: 1 }) as object)).toEqual([`${name.slice(0, 200)}… [2001 characters]`]);
    expect(Object.keys(redact({ [name]: 1 }) as object)).toEqual([name]);
  });

  it('an object keeps 100 fields and says how many more there were, under a name no field of it has', () => {
    const fields = (n: number, first = 'f') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${first}${i}`, i]));
    expect(redact(fields(100))).toEqual(fields(100));
    expect(redact(fields(103))).toEqual({ ...fields(100), '…': '[3 more fields]' });
    expect(redact({ '…': 'mine', ...fields(100) })).toEqual({ '…': 'mine', ...fields(99), '…′': '[1 more fields]' });
  });

  it('keeps 200,000 characters of text at most (each string, name and other value counted with its quotes and separators), the rest of each list and object counted', () => {
    expect(MAX_BODY_CHARS).toBe(200_000);
    // 100 lists of 100 strings of 100 characters: each string costs 104, so the 1,924th
    // (19 lists and 24 strings in) is the last kept.
    const strings = Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => 's'.repeat(100)));
    const kept = redact(strings) as unknown[];
    expect(kept).toHaveLength(21);
    expect(kept.slice(0, 19)).toEqual(strings.slice(0, 19));
    expect(kept[19]).toEqual([...Array(24).fill('s'.repeat(100)), '… [76 more]']);
    expect(kept[20]).toBe('… [80 more]');
    // Numbers cost 8 each: 25,000 of them fill it exactly, and nothing is kept after.
    const numbers = Array.from({ length: 4 }, () => Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => 7)));
    const keptNumbers = redact(numbers) as number[][][];
    expect(keptNumbers.flat(2).filter((v) => v === 7)).toHaveLength(25_000);
    expect(keptNumbers[2][50]).toBe('… [50 more]');
    expect(keptNumbers[3]).toBe('… [1 more]');
    // Names count: an object's fields stop where the text runs out, secrets' lists too.
    const body = redact({ big: strings.slice(0, 19), password: Array(100).fill('p'), after: 'x' }) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['big', 'password', 'after']);
    expect(body.password).toEqual(Array(100).fill('[redacted]'));
    const full = redact({ big: strings.slice(0, 20), after: 'x' }) as Record<string, unknown>;
    expect(Object.keys(full)).toEqual(['big', '…']);
    expect(full['…']).toBe('[1 more fields]');
    // Spent to exactly nothing: the next field, or a secret's next item, is not kept.
    const costing = (n: number) => [...Array(99).fill('s'.repeat(1996)), 's'.repeat(n - 99 * 2000 - 4)]; // 99 × 2,000 + the last
    expect(redact({ big: costing(MAX_BODY_CHARS - 7), after: 'x' })).toEqual({ big: costing(MAX_BODY_CHARS - 7), '…': '[1 more fields]' });
    expect(redact({ big: costing(MAX_BODY_CHARS - 7 - 12), password: ['p'] })).toEqual({ big: costing(MAX_BODY_CHARS - 19), password: [] });
    const secretsCut = redact({ big: strings.slice(0, 19), password: Array.from({ length: 100 }, () => Array(100).fill('p')) }) as { password: string[][] };
    expect(secretsCut.password.flat().length).toBeLessThan(10_000);
    expect(secretsCut.password.flat().every((v) => v === '[redacted]')).toBe(true);
  });
});
