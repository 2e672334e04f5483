import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { memberUser, renderWithProviders } from '../../test/render';
import { filterKeysMock } from '../api-keys/test-fixtures';
import { ExportsPageQuery } from './documents';
import { ExportsPage } from './ExportsPage';
import { anExport } from './test-fixtures';

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
    expect(await within(rows[1]).findByText('API key: Production · Status: 4xx')).toBeTruthy();
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
});
