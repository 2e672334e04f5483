import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, sql, startTestServer, type TestServer } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

// The emails connection answers an email's bodies when asked for them, as email(id) does: the list
// reads none (lazy, up to 5,000,000 characters each), and the page's are read in one statement,
// within a budget. They came back null for every email, which the schema says means "not sent".
let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Bodies');
});
afterAll(() => server?.stop());

const send = async (body: Record<string, unknown>) => {
  const res = await api(server, '/emails', {
    method: 'POST',
    token: acme.full.token,
    body: JSON.stringify({ from: 'a@bodies.com', to: 'b@example.org', subject: 's', ...body }),
  });
  expect(res.status).toBe(200);
  return (res.body as { id: string }).id;
};

type Node = { id: string; html: string | null; text: string | null };
const LIST = `query($first: Int) { emails(first: $first) { edges { node { id html text } } } }`;

describe('emails(first) { html text }', () => {
  it('answers each email’s bodies as sent, null only where none was sent', async () => {
    const both = await send({ text: 'Both', html: '<p>Both</p>' });
    const textOnly = await send({ text: 'Only text' });
    const htmlOnly = await send({ html: '<b>Only html</b>' });
    const res = (await acme.admin.gql(LIST, { first: 10 })) as GqlResult<{ emails: { edges: { node: Node }[] } }>;
    expect(res.errors).toBeUndefined();
    const byId = new Map(res.data!.emails.edges.map((e) => [e.node.id, e.node]));
    expect(byId.get(both)).toMatchObject({ html: '<p>Both</p>', text: 'Both' });
    expect(byId.get(textOnly)).toMatchObject({ html: null, text: 'Only text' });
    expect(byId.get(htmlOnly)).toMatchObject({ html: '<b>Only html</b>', text: null });
    // cancelEmail's answer too.
    const scheduled = await send({ text: 'Later', scheduled_at: 'in 1 hour' });
    const canceled = await acme.admin.gql(`mutation($id: ID!) { cancelEmail(id: $id) { id text } }`, { id: scheduled });
    expect(canceled.errors).toBeUndefined();
    expect(canceled.data!.cancelEmail.text).toBe('Later');
  });

  it('refuses the bodies of a page over 16 MB, saying how to ask, and still answers the page’s other fields', async () => {
    const big = await send({ text: 'x' });
    // Bodies that big come in no request (5 MB each at most): written in SQL, as a team's history could hold eight of them.
    await sql(server.databaseUrl, `update email set text = repeat('y', 4500000), html = repeat('z', 4500000) where id = $1`, [big]);
    const other = await send({ text: 'small' });
    await sql(server.databaseUrl, `update email set text = repeat('y', 4500000), html = repeat('z', 4500000) where id = $1`, [other]);
    const res = await acme.admin.gql(LIST, { first: 2 });
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.errors?.[0].message).toMatch(/over 16 MB.*email\(id\)/);
    // One at a time, each is answered whole.
    const one = await acme.admin.gql(`query($id: ID!) { email(id: $id) { text } }`, { id: big });
    expect(one.data!.email.text).toHaveLength(4_500_000);
    // Without the bodies, the page is answered.
    const ids = await acme.admin.gql(`{ emails(first: 2) { edges { node { id subject } } } }`);
    expect(ids.errors).toBeUndefined();
    expect(ids.data!.emails.edges).toHaveLength(2);
  });
});
