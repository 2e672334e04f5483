import { screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../test/render';
import { ApiKeyDetailPage } from './ApiKeyDetailPage';
import { ApiKeyDetailQuery } from './documents';
import { DeleteApiKeyMutation } from './hooks/useDeleteApiKeyMutation';
import { apiKey, domain, iso, pageMock } from './test-fixtures';

const days = Array.from({ length: 30 }, (_, i) => {
  const date = new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
  return { __typename: 'UsageBucket', date, requests: i === 29 ? 10 : i === 28 ? 2 : 0, errors: i === 29 ? 2 : 0 };
});

const key = {
  ...apiKey('k1', 'Production', {
    permission: 'SENDING_ACCESS',
    domain: domain('d1', 'mail.example.com'),
    usageStatus: 'INACTIVE',
    lastUsedAt: iso(-31),
    requestCount: 12,
    tokenStart: 're_Prod1',
  }),
  updatedAt: iso(-31),
  createdBy: { __typename: 'User', id: 'u-1', email: 'ada@example.com' },
  usage: days,
};

const log = (id: string, statusCode: number) => ({
  __typename: 'UsageLog',
  id,
  method: 'POST',
  endpoint: '/emails',
  statusCode,
  durationMs: 42,
  createdAt: iso(-31),
});

const detailMock = (apiKeyValue: typeof key | null) => ({
  request: { query: ApiKeyDetailQuery, variables: { id: 'k1' } },
  result: {
    data: {
      apiKey: apiKeyValue,
      usageLogs: {
        __typename: 'UsageLogConnection',
        edges: apiKeyValue ? [log('l2', 422), log('l1', 200)].map((node) => ({ __typename: 'UsageLogEdge', cursor: node.id, node })) : [],
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      },
    },
  },
});

const renderDetail = (options: Parameters<typeof renderWithProviders>[1]) =>
  renderWithProviders(
    <Routes>
      <Route path="/api-keys/:id" element={<ApiKeyDetailPage />} />
      <Route path="/api-keys" element={<h1>Key list</h1>} />
    </Routes>,
    { route: '/api-keys/k1', ...options },
  );

describe('ApiKeyDetailPage', () => {
  it('shows the key fields, a 30-day usage chart, its latest requests and links to its logs and emails', async () => {
    renderDetail({ user: adminUser, mocks: [detailMock(key)] });
    expect(await screen.findByRole('heading', { name: 'Production', level: 1 })).toBeTruthy();
    // The tab, the history and a screen reader name the key, not just the app.
    // The key's name is isolated (U+2068 … U+2069): a Hebrew name ending in "!" keeps its "!".
    expect(document.title).toBe('\u2068Production\u2069 · API Keys · Keyring');

    const details = document.querySelector('dl[aria-label="Key details"]');
    const text = details?.textContent ?? '';
    for (const part of ['re_Prod1…', 'Sending access', 'mail.example.com', 'Inactive', 'by ada@example.com', 'Never']) {
      expect(text).toContain(part);
    }
    expect(screen.getByRole('link', { name: /^12 requests with Production/ }).getAttribute('href')).toBe('/logs?apiKeyId=k1');
    expect(screen.getByRole('complementary', { name: 'Inactive keys' }).textContent).toContain('This key has not been used for 30 days.');

    const chart = screen.getByRole('img', { name: /^Bar chart/ });
    expect(chart.getAttribute('aria-label')).toBe('Bar chart: 12 requests and 2 errors in the last 30 days');
    expect(chart.querySelectorAll('.usage-chart-bar')).toHaveLength(2);
    expect(chart.querySelectorAll('.usage-chart-bar-error')).toHaveLength(1);
    // The server's days are UTC days, and say so: not passed off as the viewer's local days.
    expect(chart.querySelectorAll('title')[29].textContent).toBe('Jan 30 (UTC): 10 requests, 2 errors');
    expect(screen.getByRole('figure', { name: /^Requests per day \(UTC\)/ })).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Requests and errors per day (UTC)' })).toBeTruthy();

    const requests = screen.getByRole('table', { name: 'Latest requests' });
    const links = within(requests).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual(['/logs/l2', '/logs/l1']);
    expect(within(requests).getByText('422')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'View all in Logs' }).getAttribute('href')).toBe('/logs?apiKeyId=k1');
    expect(screen.getByRole('link', { name: 'Emails sent' }).getAttribute('href')).toBe('/emails?apiKeyId=k1');
    for (const name of ['Edit', 'Roll', 'Remove']) expect(screen.getByRole('button', { name })).toBeTruthy();
  });

  it('removes the key after confirmation and goes back to the list', async () => {
    const { user } = renderDetail({
      user: adminUser,
      mocks: [
        detailMock(key),
        { request: { query: DeleteApiKeyMutation, variables: { id: 'k1' } }, result: { data: { deleteApiKey: 'k1' } } },
        pageMock([]),
        // Evicting the removed key makes the still-mounted page ask once more, as the server would answer.
        detailMock(null),
      ],
    });
    await screen.findByRole('heading', { name: 'Production', level: 1 });
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    const confirm = await screen.findByRole('dialog', { name: 'Remove API key “Production”?' });
    await user.click(within(confirm).getByRole('button', { name: 'Remove API key' }));
    expect(await screen.findByRole('heading', { name: 'Key list' })).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows members no controls', async () => {
    renderDetail({ user: memberUser, mocks: [detailMock(key)] });
    await screen.findByRole('heading', { name: 'Production', level: 1 });
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove' })).toBeNull();
  });

  it('says when the key does not exist', async () => {
    renderDetail({ user: adminUser, mocks: [detailMock(null)] });
    expect(await screen.findByRole('heading', { name: 'API key not found' })).toBeTruthy();
  });

  it('says so too for a mistyped id, which the server refuses as bad input, with no useless retry', async () => {
    renderDetail({
      user: adminUser,
      mocks: [
        {
          request: { query: ApiKeyDetailQuery, variables: { id: 'k1' } },
          result: { errors: [gqlError('`apiKeyId` must be a valid UUID.', 'BAD_USER_INPUT', 'apiKeyId')] },
        },
      ],
    });
    expect(await screen.findByRole('heading', { name: 'API key not found' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });
});
