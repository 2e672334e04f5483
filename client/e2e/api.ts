import type { Browser } from './browser';

/**
 * GraphQL as the signed-in browser: the request shares the browser context's cookies, so it acts
 * with the page's session. For setup steps the UI is not under test for.
 */
export async function graphqlAs<T>(browser: Browser, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await browser.context.request.post(`${browser.baseUrl}/graphql`, { data: { query, variables } });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** A domain and a sending-access key for it, made through GraphQL. Returns the key's id and token. */
export async function createSendingKey(browser: Browser, domain: string, name = 'Sender') {
  const { createDomain } = await graphqlAs<{ createDomain: { id: string } }>(
    browser,
    'mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }',
    { input: { name: domain, region: 'us-east-1' } },
  );
  const { createApiKey } = await graphqlAs<{ createApiKey: { token: string; apiKey: { id: string } } }>(
    browser,
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id } } }',
    { input: { name, permission: 'SENDING_ACCESS', domainId: createDomain.id } },
  );
  return { id: createApiKey.apiKey.id, token: createApiKey.token };
}

/**
 * A REST call with an API key, as an application makes it. A 429 (the per-team rate limit) is
 * waited out and retried, as the `retry-after` header asks.
 */
export async function rest(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${baseUrl}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'keyring-e2e/1.0' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 429 && attempt < 10) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}

export const anEmail = (domain: string, i: number) => ({
  from: `Acme <hello@${domain}>`,
  to: [`customer-${i}@example.com`],
  subject: `Order ${i} shipped`,
  html: `<p>Your order ${i} is on its way.</p>`,
});
