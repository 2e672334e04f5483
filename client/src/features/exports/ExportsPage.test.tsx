import { ApolloLink } from '@apollo/client';
import { MockLink, MockSubscriptionLink } from '@apollo/client/testing';
import { act, screen, waitFor, within } from '@testing-library/react';
import { OperationTypeNode } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, memberUser, renderWithProviders } from '../../test/render';
import { filterKeysMock } from '../api-keys/test-fixtures';
import { ExportDetailQuery, ExportsPageQuery } from './documents';
import { ExportsPage } from './ExportsPage';
import { anExport } from './test-fixtures';
import { sentence } from '../../test/text';

const list = (exports: ReturnType<typeof anExport>[]) => ({
  request: { query: ExportsPageQuery, variables: { first: 25 } },
  result: {
    data: {
      exports: {
        __typename: 'ExportConnection',
        edges: exports.map((node) => ({ __typename: 'ExportEdge', cursor: `c-${node.id}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      },
    },
  },
});

describe('ExportsPage', () => {
  it("lists the team's exports with filters, status, rows, creator and dates, each linking to its page", async () => {
    renderWithProviders(<ExportsPage />, {
      user: memberUser,
      mocks: [
        list([
          anExport('e1', {
            resource: 'EMAILS',
            status: 'PROCESSING',
            rowCount: 1100,
            processedRows: 200,
            expiresAt: null,
            // The start of Jan 1 where the browser is, as the Emails page's date filter sends it.
            filters: { status: 'sent', from: new Date(2026, 0, 1).toISOString() },
          }),
          anExport('e2', { filters: { apiKeyId: 'k1', statusClass: 4 } }),
          anExport('e3', { resource: 'API_KEYS', status: 'EXPIRED', createdBy: null }),
          anExport('e4', { resource: 'CONTACTS', status: 'FAILED', rowCount: 2000 }),
        ]),
        // The key names come from the query that the list pages' API key filter uses.
        filterKeysMock([{ id: 'k1', name: 'Production' }]),
      ],
    });
    const table = await screen.findByRole('table', { name: 'Exports' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0].textContent).toContain('Emails');
    expect(rows[0].textContent).toContain('Status: Sent · From: Jan 1, 2026');
    expect(rows[0].textContent).toContain('Processing');
    expect(rows[0].textContent).toContain('1,100');
    expect(rows[0].textContent).toContain('ada@example.com');
    expect(await within(rows[1]).findByText(sentence('API key: Production · Status: 4xx'))).toBeTruthy();
    expect(rows[1].textContent).toContain('Ready');
    expect(rows[1].textContent).toContain('in 7 days');
    expect(rows[2].textContent).toContain('API keys');
    expect(rows[2].textContent).toContain('All rows');
    expect(rows[2].textContent).toContain('An API key');
    // "Expired" once (the status); the Expires column says when.
    expect(within(rows[2]).getAllByText('Expired')).toHaveLength(1);
    expect(rows[3].textContent).toContain('Failed');
    expect(
      within(rows[0])
        .getByRole('link', { name: /^Emails export of / })
        .getAttribute('href'),
    ).toBe('/exports/e1');
  });

  it('explains where exports come from when there are none', async () => {
    renderWithProviders(<ExportsPage />, { user: memberUser, mocks: [list([])] });
    expect(await screen.findByRole('heading', { name: 'No exports yet' })).toBeTruthy();
  });

  it('follows an export that is being written until it is ready, without a reload', async () => {
    const running = anExport('e1', {
      resource: 'EMAILS',
      status: 'PROCESSING',
      rowCount: null,
      estimatedRowCount: 1001,
      processedRows: 0,
      expiresAt: null,
      completedAt: null,
      downloadUrl: null,
      fileSizeBytes: null,
    });
    const progress = new MockSubscriptionLink();
    const link = ApolloLink.split((op) => op.operationType === OperationTypeNode.SUBSCRIPTION, progress, new MockLink([list([running, anExport('e2')])]));
    renderWithProviders(<ExportsPage />, { user: adminUser, link });
    const table = await screen.findByRole('table', { name: 'Exports' });
    const row = () => within(table).getAllByRole('row')[1];
    expect(row().textContent).toContain('Processing');

    // The page listens to the running export only (e2 is ready already).
    await waitFor(() => expect(progress.operation?.operationName).toBe('ExportProgress'));
    expect(progress.operation?.variables).toEqual({ id: 'e1' });
    act(() => progress.simulateResult({ result: { data: { exportProgress: { ...running, status: 'READY', rowCount: 301203, processedRows: 301203 } } } }));
    await waitFor(() => expect(row().textContent).toContain('Ready'));
    expect(row().textContent).toContain('301,203');
    expect(row().textContent).not.toContain('Processing');
  });

  it("shows a running export's rows as the estimate until more are written, then at least those written", async () => {
    const running = (id: string, estimatedRowCount: number, processedRows: number) =>
      anExport(id, { status: 'PROCESSING', rowCount: null, estimatedRowCount, processedRows, expiresAt: null, downloadUrl: null });
    const link = ApolloLink.split(
      (op) => op.operationType === OperationTypeNode.SUBSCRIPTION,
      new MockSubscriptionLink(),
      new MockLink([list([running('e1', 1001, 0), running('e2', 1001, 52_000), running('e3', 50_000, 10_000), running('e4', 50_000, 60_500)])]),
    );
    renderWithProviders(<ExportsPage />, { user: adminUser, link });
    const table = await screen.findByRole('table', { name: 'Exports' });
    const rowsCell = (i: number) => within(table).getAllByRole('row')[i + 1].querySelector('td:nth-child(4)')?.textContent;
    expect(rowsCell(0)).toBe('more than 1,000');
    expect(rowsCell(1)).toBe('at least 52,000');
    expect(rowsCell(2)).toBe('about 50,000');
    expect(rowsCell(3)).toBe('at least 60,500');
  });

  it('asks again now and then for a running export when the live connection fails', async () => {
    const running = anExport('e1', { status: 'PROCESSING', rowCount: null, estimatedRowCount: 1001, processedRows: 0, expiresAt: null, downloadUrl: null });
    const progress = new MockSubscriptionLink();
    const detail = (exp: ReturnType<typeof anExport>) => ({
      request: { query: ExportDetailQuery, variables: { id: 'e1' } },
      result: { data: { export: exp } },
    });
    const link = ApolloLink.split(
      (op) => op.operationType === OperationTypeNode.SUBSCRIPTION,
      progress,
      new MockLink([list([running]), detail({ ...running, processedRows: 500 }), detail({ ...running, status: 'READY', rowCount: 2000, processedRows: 2000 })]),
    );
    renderWithProviders(<ExportsPage />, { user: adminUser, link });
    const table = await screen.findByRole('table', { name: 'Exports' });
    await waitFor(() => expect(progress.operation?.operationName).toBe('ExportProgress'));
    act(() => progress.simulateResult({ error: new Error('WebSocket closed') }));
    await waitFor(() => expect(within(table).getAllByRole('row')[1].textContent).toContain('Ready'), { timeout: 8000 });
    expect(within(table).getAllByRole('row')[1].textContent).toContain('2,000');
  }, 10_000);

  it('shows a ready export as Expired once its download has expired, without a reload', async () => {
    const soon = anExport('e9', { expiresAt: new Date(Date.now() + 1500).toISOString() });
    renderWithProviders(<ExportsPage />, {
      user: adminUser,
      mocks: [
        list([soon]),
        {
          request: { query: ExportDetailQuery, variables: { id: 'e9' } },
          result: { data: { export: { ...soon, status: 'EXPIRED', downloadUrl: null, streamUrl: null } } },
        },
      ],
    });
    const table = await screen.findByRole('table', { name: 'Exports' });
    const row = () => within(table).getAllByRole('row')[1];
    expect(row().textContent).toContain('Ready');
    await waitFor(() => expect(row().textContent).toContain('Expired'), { timeout: 5000 });
    expect(row().textContent).not.toContain('Ready');
  });

  it('asks for the exports again when its tab is shown again', async () => {
    // Reported: an export made from another tab (or by a teammate) was missing until a reload.
    renderWithProviders(<ExportsPage />, {
      user: adminUser,
      mocks: [list([anExport('e1')]), list([anExport('e2', { resource: 'DOMAINS' }), anExport('e1')])],
    });
    const table = await screen.findByRole('table', { name: 'Exports' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      visibility.mockReturnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
      expect(within(table).getAllByRole('row')[1].textContent).toContain('Domains');
    } finally {
      visibility.mockRestore();
    }
  });
});
