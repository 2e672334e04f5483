import { screen, waitFor, within } from '@testing-library/react';
import { endOfDay } from 'date-fns';
import { Route, Routes, useNavigate } from 'react-router';
import { describe, expect, it } from 'vitest';
import { LocationProbe } from '../../test/LocationProbe';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../test/render';
import { filterKeysMock } from '../api-keys/test-fixtures';
import { LogsPageQuery } from './documents';
import { LogsPage } from './LogsPage';

const keys = [
  { __typename: 'ApiKey', id: 'k1', name: 'Production' },
  { __typename: 'ApiKey', id: 'k2', name: 'Staging' },
];

const log = (id: string, statusCode = 200, extra: Record<string, unknown> = {}) => ({
  __typename: 'UsageLog',
  id,
  method: 'POST',
  endpoint: '/emails',
  statusCode,
  errorName: null as string | null,
  errorMessage: null as string | null,
  durationMs: 42,
  userAgent: 'resend-node:6.38.0',
  createdAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  apiKeyId: 'k1',
  apiKeyName: 'Production',
  apiKey: keys[0],
  ...extra,
});

const page = (logs: ReturnType<typeof log>[], hasNextPage = false) => ({
  usageLogs: {
    __typename: 'UsageLogConnection',
    edges: logs.map((node) => ({ __typename: 'UsageLogEdge', cursor: `cursor-${node.id}`, node })),
    pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: logs.length ? `cursor-${logs[logs.length - 1].id}` : null },
    searchedUntil: null as string | null,
  },
  // The oldest log at 00:30 on Nov 4 where the browser is; its UTC day may be Nov 3.
  usageLogRetention: {
    __typename: 'UsageLogRetention',
    days: 30,
    oldestAt: '2026-11-03T00:00:00.000Z' as string | null,
    oldestLogAt: new Date(2026, 10, 4, 0, 30).toISOString() as string | null,
  },
});

const keysMock = filterKeysMock(keys);
const logsMock = (variables: Record<string, unknown>, logs: ReturnType<typeof log>[], hasNextPage = false) => ({
  request: { query: LogsPageQuery, variables: { first: 50, ...variables } },
  result: { data: page(logs, hasNextPage) },
});

/** A request's page that only goes back, as the browser's Back button does. */
function BackOnly() {
  const navigate = useNavigate();
  return (
    <button type="button" onClick={() => navigate(-1)}>
      Back
    </button>
  );
}

function renderLogs(route: string, mocks: unknown[], user = adminUser) {
  return renderWithProviders(
    <>
      <LogsPage />
      <LocationProbe />
    </>,
    { route, user, mocks: [keysMock, ...(mocks as never[])] },
  );
}

describe('LogsPage', () => {
  it('lists requests with method, endpoint, status, key, duration and user agent', async () => {
    renderLogs('/logs', [
      logsMock({ filter: {} }, [
        log('l1'),
        log('l2', 422, { errorName: 'validation_error', errorMessage: 'The `to` field is required.' }),
        log('l3', 500, { apiKey: null, apiKeyId: 'gone', apiKeyName: 'Old key', errorName: 'internal_server_error' }),
      ]),
    ]);
    const table = await screen.findByRole('table', { name: 'Logs' });
    expect(document.title).toBe('Logs · Keyring');
    const rows = within(table).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual([
      'TimeMethodEndpointStatusErrorAPI keyDurationUser agent',
      '5 minutes agoPOST/emails200—Production42 msresend-node:6.38.0',
      '5 minutes agoPOST/emails422validation_error · The `to` field is required.Production42 msresend-node:6.38.0',
      '5 minutes agoPOST/emails500internal_server_errorOld key42 msresend-node:6.38.0',
    ]);
    // The error in full on hover.
    expect(within(rows[2]).getByTitle('validation_error: The `to` field is required.')).toBeTruthy();
    // The status is coloured by its class, and the exact time is on hover.
    expect(within(rows[1]).getByText('200').className).toContain('badge-green');
    expect(within(rows[2]).getByText('422').className).toContain('badge-yellow');
    expect(within(rows[3]).getByText('500').className).toContain('badge-red');
    expect(within(rows[1]).getByText('5 minutes ago').getAttribute('title')).toMatch(/\d{4}/);
    expect(within(rows[1]).getByRole('link', { name: '/emails' }).getAttribute('href')).toBe('/logs/l1');
    expect(screen.getByText('3 requests')).toBeTruthy();
  });

  it('turns the filters in the URL into the query variables', async () => {
    const from = new Date(2026, 0, 1).toISOString();
    const to = endOfDay(new Date(2026, 0, 31)).toISOString();
    renderLogs('/logs?apiKeyId=k2&status=4xx&from=2026-01-01&to=2026-01-31', [
      logsMock({ filter: { apiKeyId: 'k2', responseClass: 'CLIENT_ERROR', from, to } }, [log('l9', 404)]),
    ]);
    await screen.findByRole('table', { name: 'Logs' });
    await waitFor(() => expect((screen.getByLabelText('API key') as HTMLSelectElement).value).toBe('k2'));
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('4xx');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('2026-01-01');
    expect((screen.getByLabelText('To') as HTMLInputElement).value).toBe('2026-01-31');
  });

  it('puts the chosen filters in the URL and queries with them', async () => {
    const { user } = renderLogs('/logs', [
      logsMock({ filter: {} }, [log('l1'), log('l2', 422)]),
      logsMock({ filter: { apiKeyId: 'k1' } }, [log('l1'), log('l2', 422)]),
      logsMock({ filter: { apiKeyId: 'k1', statusCode: 422 } }, [log('l2', 422)]),
      logsMock({ filter: { apiKeyId: 'k1', responseClass: 'SERVER_ERROR' } }, []),
    ]);
    await screen.findByRole('table', { name: 'Logs' });
    await waitFor(() => expect(screen.getByRole('option', { name: 'Production' })).toBeTruthy());

    await user.selectOptions(screen.getByLabelText('API key'), 'k1');
    expect(screen.getByTestId('location').textContent).toBe('/logs?apiKeyId=k1');
    await user.selectOptions(screen.getByLabelText('Status'), '422');
    expect(screen.getByTestId('location').textContent).toBe('/logs?apiKeyId=k1&status=422');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Logs' })).getAllByRole('row')).toHaveLength(2));

    await user.selectOptions(screen.getByLabelText('Status'), '5xx');
    expect(await screen.findByRole('heading', { name: 'No requests match these filters' })).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/logs?apiKeyId=k1&status=5xx');
  });

  it('shows only errors with "Errors only", through the URL', async () => {
    const { user } = renderLogs('/logs', [
      logsMock({ filter: {} }, [log('l1'), log('l2', 422)]),
      logsMock({ filter: { errorsOnly: true } }, [log('l2', 422, { errorName: 'validation_error' })]),
    ]);
    await screen.findByRole('table', { name: 'Logs' });
    await user.selectOptions(screen.getByLabelText('Status'), 'Errors only · 4xx and 5xx');
    expect(screen.getByTestId('location').textContent).toBe('/logs?status=errors');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Logs' })).getAllByRole('row')).toHaveLength(2));
    expect(screen.getByText('validation_error')).toBeTruthy();

    // A click anywhere on the row opens the request, the filters travelling along.
    await user.click(screen.getByText('validation_error'));
    expect(screen.getByTestId('location').textContent).toBe('/logs/l2');
  });

  it('filters by method and endpoint through the URL, and names them in the export', async () => {
    const { user } = renderLogs('/logs?endpoint=/contacts/ada@example.com', [
      logsMock({ filter: { endpoint: '/contacts/ada@example.com' } }, [log('l0', 200, { endpoint: '/contacts/ada@example.com', method: 'GET' })]),
      logsMock({ filter: { endpoint: '/emails' } }, [log('l1'), log('l2', 422)]),
      logsMock({ filter: { endpoint: '/emails', httpMethod: 'POST' } }, [log('l1')]),
    ]);
    await screen.findByRole('table', { name: 'Logs' });
    // A path from a link stays chosen though it is not one of the listed resources.
    expect((screen.getByLabelText('Endpoint') as HTMLSelectElement).value).toBe('/contacts/ada@example.com');
    await user.selectOptions(screen.getByLabelText('Endpoint'), '/emails');
    expect(screen.getByTestId('location').textContent).toBe('/logs?endpoint=%2Femails');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Logs' })).getAllByRole('row')).toHaveLength(3));
    await user.selectOptions(screen.getByLabelText('Method'), 'POST');
    expect(screen.getByTestId('location').textContent).toBe('/logs?method=POST&endpoint=%2Femails');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Logs' })).getAllByRole('row')).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export logs' });
    expect(
      within(dialog)
        .getAllByRole('term')
        .map((t) => t.textContent),
    ).toEqual(['Resource', 'Method', 'Endpoint']);
    expect(
      within(dialog)
        .getAllByRole('definition')
        .map((d) => d.textContent),
    ).toEqual(['Logs', 'POST', '/emails']);
  });

  it("ignores a method that is not one of the API's", async () => {
    renderLogs('/logs?method=FETCH', [logsMock({ filter: {} }, [log('l1')])]);
    await screen.findByRole('table', { name: 'Logs' });
    expect((screen.getByLabelText('Method') as HTMLSelectElement).value).toBe('');
  });

  it('keeps a date range in the URL as days and queries the whole days', async () => {
    const from = new Date(2026, 1, 3).toISOString();
    const { user } = renderLogs('/logs', [logsMock({ filter: {} }, [log('l1')]), logsMock({ filter: { from } }, [log('l1')])]);
    await screen.findByRole('table', { name: 'Logs' });
    await user.type(screen.getByLabelText('From'), '2026-02-03');
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/logs?from=2026-02-03'));
    await screen.findByRole('table', { name: 'Logs' });
  });

  it('shows a reversed date range beside the dates, in words of the form, with Clear filters', async () => {
    const from = new Date(2026, 1, 3).toISOString();
    const to = endOfDay(new Date(2026, 1, 1)).toISOString();
    renderLogs('/logs?from=2026-02-03&to=2026-02-01', [
      {
        request: { query: LogsPageQuery, variables: { first: 50, filter: { from, to } } },
        result: { errors: [gqlError('`from` must be before `to`.', 'BAD_USER_INPUT', 'from')] },
      },
    ]);
    // In the form's words, not the API's, with the way out.
    expect(await screen.findByText('Choose a From date on or before the To date.')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Clear filters' })).toBeTruthy();
    expect(screen.getByLabelText('From').getAttribute('aria-invalid')).toBe('true');
  });

  it('says a hand-edited link whose API key is not a key id names no key, beside the key filter, with Clear filters', async () => {
    const { user } = renderLogs('/logs?apiKeyId=not-a-key', [
      {
        request: { query: LogsPageQuery, variables: { first: 50, filter: { apiKeyId: 'not-a-key' } } },
        result: { errors: [gqlError('`apiKeyId` must be a valid UUID.', 'BAD_USER_INPUT', 'apiKeyId')] },
      },
      logsMock({ filter: {} }, [log('l1')]),
    ]);
    expect(await screen.findByText('This link names no API key. Choose one, or All API keys.')).toBeTruthy();
    expect(screen.getByLabelText('API key').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Choose an API key to update the list.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findByRole('table', { name: 'Logs' });
    expect(screen.getByTestId('location').textContent).toBe('/logs');
  });

  it('loads the next page with the cursor', async () => {
    const { user } = renderLogs('/logs', [
      logsMock({ filter: {} }, [log('l1'), log('l2')], true),
      logsMock({ filter: {}, after: 'cursor-l2' }, [log('l3', 401)]),
    ]);
    await screen.findByRole('table', { name: 'Logs' });
    expect(screen.getByText('Showing the latest 2 requests')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Logs' })).getAllByRole('row')).toHaveLength(4));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText('3 requests')).toBeTruthy();
  });

  it('keeps the pages Load more added when the reader comes back to the list from a request', async () => {
    const first = Array.from({ length: 50 }, (_, i) => log(`l${i + 1}`));
    const { user } = renderWithProviders(
      <Routes>
        <Route path="/logs" element={<LogsPage />} />
        <Route path="/logs/:id" element={<BackOnly />} />
      </Routes>,
      {
        route: '/logs',
        user: adminUser,
        mocks: [
          keysMock,
          keysMock,
          logsMock({ filter: {} }, first, true),
          logsMock({ filter: {}, after: 'cursor-l50' }, [log('l51', 401)]),
          // What a fresh first page would answer: it replaced the 51 rows with 50.
          logsMock({ filter: {} }, first, true),
        ] as never[],
      },
    );
    await screen.findByRole('table', { name: 'Logs' });
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Logs' })).getAllByRole('row')).toHaveLength(52));
    await user.click(within(screen.getByRole('table', { name: 'Logs' })).getAllByRole('row')[51]);
    await user.click(await screen.findByRole('button', { name: 'Back' }));
    const table = await screen.findByRole('table', { name: 'Logs' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(within(table).getAllByRole('row')).toHaveLength(52);
    expect(screen.getByText('51 requests')).toBeTruthy();
  });

  it('offers admins an export of exactly what is shown', async () => {
    const { user } = renderLogs('/logs?apiKeyId=k1&status=4xx', [logsMock({ filter: { apiKeyId: 'k1', responseClass: 'CLIENT_ERROR' } }, [log('l2', 422)])]);
    await screen.findByRole('table', { name: 'Logs' });
    await waitFor(() => expect(screen.getByRole('option', { name: 'Production' })).toBeTruthy());
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export logs' });
    const terms = within(dialog)
      .getAllByRole('term')
      .map((t) => t.textContent);
    const values = within(dialog)
      .getAllByRole('definition')
      .map((d) => d.textContent);
    expect(terms).toEqual(['Resource', 'API key', 'Status']);
    expect(values).toEqual(['Logs', 'Production', '4xx']);
  });

  it('shows members the logs without the Export button', async () => {
    renderLogs('/logs', [logsMock({ filter: {} }, [log('l1')])], memberUser);
    await screen.findByRole('table', { name: 'Logs' });
    expect(screen.queryByRole('button', { name: 'Export' })).toBeNull();
  });

  it('says how far back logs go', async () => {
    renderLogs('/logs', [logsMock({ filter: {} }, [log('l1')])]);
    expect(await screen.findByText(/Logs are kept 30 days; the oldest is from Nov 4, 2026\./)).toBeTruthy();
  });

  it('says where a search stopped, and searches older logs from there', async () => {
    const stopped = (logs: ReturnType<typeof log>[]) => {
      const data = page(logs, true);
      data.usageLogs.searchedUntil = new Date(2026, 10, 20, 8).toISOString(); // Nov 20 where the browser is
      data.usageLogs.pageInfo.endCursor = 'window-end';
      return data;
    };
    const filter = { apiKeyId: 'k2', responseClass: 'SERVER_ERROR' };
    const { user } = renderLogs('/logs?apiKeyId=k2&status=5xx', [
      { request: { query: LogsPageQuery, variables: { first: 50, filter } }, result: { data: stopped([]) } },
      {
        request: { query: LogsPageQuery, variables: { first: 50, filter, after: 'window-end' } },
        result: { data: stopped([log('l7', 503, { apiKeyId: 'k2', apiKey: keys[1] })]) },
      },
    ]);
    expect(await screen.findByText('No matching requests back to Nov 20, 2026; older logs were not searched yet.')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'No requests match these filters' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Search older logs' }));
    const table = await screen.findByRole('table', { name: 'Logs' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(screen.getByText('No more matching requests back to Nov 20, 2026; older logs were not searched yet.')).toBeTruthy();
  });

  it('explains an empty log', async () => {
    renderLogs('/logs', [logsMock({ filter: {} }, [])]);
    expect(await screen.findByRole('heading', { name: 'No requests yet' })).toBeTruthy();
  });
});
