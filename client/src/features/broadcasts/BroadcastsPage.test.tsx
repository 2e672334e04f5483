import { screen, waitFor, within } from '@testing-library/react';
import { endOfDay } from 'date-fns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocationProbe } from '../../test/LocationProbe';
import { adminUser, gqlError, renderWithProviders } from '../../test/render';
import { CreateExportMutation } from '../exports/hooks/useCreateExportMutation';
import { anExport } from '../exports/test-fixtures';
import { BroadcastsPage } from './BroadcastsPage';
import { BroadcastsPageQuery } from './documents';

const broadcast = (id: string, name: string, status = 'draft') => ({
  __typename: 'Broadcast',
  id,
  name,
  subject: 'What is new',
  from: 'news@mail.example.com',
  status,
  createdAt: new Date(Date.now() - 86_400_000).toISOString(),
  sentAt: null,
});

const page = (variables: Record<string, unknown>, broadcasts: ReturnType<typeof broadcast>[]) => ({
  request: { query: BroadcastsPageQuery, variables: { first: 50, ...variables } },
  result: {
    data: {
      broadcasts: {
        __typename: 'BroadcastConnection',
        edges: broadcasts.map((node) => ({ __typename: 'BroadcastEdge', cursor: `c-${node.id}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: broadcasts.length ? `c-${broadcasts[broadcasts.length - 1].id}` : null },
      },
    },
  },
});

const renderBroadcasts = (route: string, mocks: unknown[]) =>
  renderWithProviders(
    <>
      <BroadcastsPage />
      <LocationProbe />
    </>,
    { route, user: adminUser, mocks: mocks as never[] },
  );

describe('BroadcastsPage', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists broadcasts with their status, and offers admins an export', async () => {
    const { user } = renderBroadcasts('/broadcasts', [page({ filter: {} }, [broadcast('b1', 'November newsletter')])]);
    const table = await screen.findByRole('table', { name: 'Broadcasts' });
    expect(within(table).getAllByRole('row')[1].textContent).toBe('November newsletterWhat is newnews@mail.example.comDraft1 day ago—');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByRole('dialog', { name: 'Export broadcasts' })).toBeTruthy();
  });

  it('filters by status and date range through the URL, and exports with those filters', async () => {
    // jsdom cannot download.
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const from = new Date(2026, 2, 1).toISOString();
    const to = endOfDay(new Date(2026, 2, 31)).toISOString();
    const { user } = renderBroadcasts('/broadcasts?from=2026-03-01&to=2026-03-31', [
      {
        request: { query: CreateExportMutation, variables: { input: { resource: 'BROADCASTS', broadcasts: { from, to, broadcastStatus: 'SENT' } } } },
        result: { data: { createExport: anExport('e1', { resource: 'BROADCASTS', rowCount: 1 }) } },
      },
      page({ filter: { from, to } }, [broadcast('b1', 'March draft'), broadcast('b2', 'March news', 'sent')]),
      page({ filter: { from, to, broadcastStatus: 'SENT' } }, [broadcast('b2', 'March news', 'sent')]),
    ]);
    await screen.findByRole('table', { name: 'Broadcasts' });
    expect((screen.getByLabelText('To') as HTMLInputElement).value).toBe('2026-03-31');

    await user.selectOptions(screen.getByLabelText('Status'), 'sent');
    expect(screen.getByTestId('location').textContent).toBe('/broadcasts?status=sent&from=2026-03-01&to=2026-03-31');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Broadcasts' })).getAllByRole('row')).toHaveLength(2));
    expect(screen.getByText('March news')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export broadcasts' });
    expect(
      within(dialog)
        .getAllByRole('definition')
        .map((d) => d.textContent),
    ).toEqual(['Broadcasts', 'Sent', 'Mar 1, 2026', 'Mar 31, 2026']);
    await user.click(within(dialog).getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('Exported 1 row. Your download has started.')).toBeTruthy();
  });

  it('searches name and subject on Enter, with the search in the URL', async () => {
    const { user } = renderBroadcasts('/broadcasts', [
      page({ filter: {} }, [broadcast('b1', 'November newsletter', 'sent'), broadcast('b2', 'Launch')]),
      page({ filter: { search: 'launch' } }, [broadcast('b2', 'Launch')]),
    ]);
    await screen.findByRole('table', { name: 'Broadcasts' });
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'launch{Enter}');
    expect(screen.getByTestId('location').textContent).toBe('/broadcasts?q=launch');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Broadcasts' })).getAllByRole('row')).toHaveLength(2));
  });

  it('ignores a status it does not know from a hand-edited URL', async () => {
    renderBroadcasts('/broadcasts?status=scheduled', [page({ filter: {} }, [broadcast('b1', 'November newsletter')])]);
    await screen.findByRole('table', { name: 'Broadcasts' });
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('');
  });

  it('offers to clear filters that match nothing', async () => {
    const { user } = renderBroadcasts('/broadcasts?status=sent', [
      page({ filter: { broadcastStatus: 'SENT' } }, []),
      page({ filter: {} }, [broadcast('b1', 'November newsletter')]),
    ]);
    expect(await screen.findByText('No broadcasts match these filters')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByTestId('location').textContent).toBe('/broadcasts');
    await screen.findByRole('table', { name: 'Broadcasts' });
  });

  it('shows a reversed date range beside the dates, in words of the form, with Clear filters', async () => {
    const from = new Date(2026, 1, 3).toISOString();
    const to = endOfDay(new Date(2026, 1, 1)).toISOString();
    renderBroadcasts('/broadcasts?from=2026-02-03&to=2026-02-01', [
      {
        request: { query: BroadcastsPageQuery, variables: { first: 50, filter: { from, to } } },
        result: { errors: [gqlError('`from` must be before `to`.', 'BAD_USER_INPUT', 'from')] },
      },
    ]);
    // In the form's words, not the API's, with the way out.
    expect(await screen.findByText('Choose a From date on or before the To date.')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Clear filters' })).toBeTruthy();
    expect(screen.getByLabelText('From').getAttribute('aria-invalid')).toBe('true');
  });

  it('asks for the broadcasts again when its tab is shown again: one sent meanwhile reads Sent', async () => {
    renderBroadcasts('/broadcasts', [
      page({ filter: {} }, [broadcast('b1', 'November newsletter')]),
      page({ filter: {} }, [broadcast('b1', 'November newsletter', 'sent')]),
    ]);
    const table = await screen.findByRole('table', { name: 'Broadcasts' });
    expect(within(table).getByText('Draft')).toBeTruthy();
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    visibility.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => expect(within(table).queryByText('Draft')).toBeNull());
    expect(within(table).getAllByRole('row')[1].textContent).toContain('Sent');
  });
});
