import { screen, waitFor, within } from '@testing-library/react';
import { endOfDay } from 'date-fns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '../../app/session';
import { LocationProbe } from '../../test/LocationProbe';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../test/render';
import { CreateExportMutation } from '../exports/hooks/useCreateExportMutation';
import { anExport } from '../exports/test-fixtures';
import { ContactsPage } from './ContactsPage';
import { ContactsPageQuery } from './documents';

const contact = (id: string, email: string, unsubscribed = false) => ({
  __typename: 'Contact',
  id,
  email,
  firstName: 'Ada',
  lastName: null,
  unsubscribed,
  createdAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
});

const page = (variables: Record<string, unknown>, contacts: ReturnType<typeof contact>[], hasNextPage = false) => ({
  request: { query: ContactsPageQuery, variables: { first: 50, ...variables } },
  result: {
    data: {
      contacts: {
        __typename: 'ContactConnection',
        edges: contacts.map((node) => ({ __typename: 'ContactEdge', cursor: `c-${node.id}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: contacts.length ? `c-${contacts[contacts.length - 1].id}` : null },
      },
    },
  },
});

const renderContacts = (route: string, mocks: unknown[], user: SessionUser = adminUser) =>
  renderWithProviders(
    <>
      <ContactsPage />
      <LocationProbe />
    </>,
    { route, user, mocks: mocks as never[] },
  );

describe('ContactsPage', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists contacts page by page, read-only', async () => {
    const { user } = renderContacts(
      '/contacts',
      [page({ filter: {} }, [contact('c1', 'ada@example.com')], true), page({ filter: {}, after: 'c-c1' }, [contact('c2', 'bob@example.com', true)])],
      memberUser,
    );
    const table = await screen.findByRole('table', { name: 'Contacts' });
    expect(within(table).getAllByRole('row')[1].textContent).toBe('ada@example.comAdaSubscribed2 days ago');
    expect(screen.queryByRole('button', { name: 'Export' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(within(table).getByText('Unsubscribed')).toBeTruthy();
  });

  it('filters by subscription and date range through the URL, and exports with those filters', async () => {
    // jsdom cannot download.
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const from = new Date(2026, 2, 1).toISOString();
    const to = endOfDay(new Date(2026, 2, 31)).toISOString();
    const { user } = renderContacts('/contacts?from=2026-03-01&to=2026-03-31', [
      {
        request: { query: CreateExportMutation, variables: { input: { resource: 'CONTACTS', contacts: { from, to, unsubscribed: true } } } },
        result: { data: { createExport: anExport('e1', { resource: 'CONTACTS', rowCount: 1 }) } },
      },
      page({ filter: { from, to } }, [contact('c1', 'ada@example.com'), contact('c2', 'bob@example.com', true)]),
      page({ filter: { from, to, unsubscribed: true } }, [contact('c2', 'bob@example.com', true)]),
      page({ filter: { from, to, unsubscribed: false } }, [contact('c1', 'ada@example.com')]),
    ]);
    await screen.findByRole('table', { name: 'Contacts' });
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('2026-03-01');

    await user.selectOptions(screen.getByLabelText('Subscription'), 'unsubscribed');
    expect(screen.getByTestId('location').textContent).toBe('/contacts?subscription=unsubscribed&from=2026-03-01&to=2026-03-31');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Contacts' })).getAllByRole('row')).toHaveLength(2));
    expect(screen.getByText('bob@example.com')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export contacts' });
    expect(
      within(dialog)
        .getAllByRole('definition')
        .map((d) => d.textContent),
    ).toEqual(['Contacts', 'Unsubscribed', 'Mar 1, 2026', 'Mar 31, 2026']);
    await user.click(within(dialog).getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('Exported 1 row. Your download has started.')).toBeTruthy();

    await user.selectOptions(screen.getByLabelText('Subscription'), 'subscribed');
    expect(screen.getByTestId('location').textContent).toBe('/contacts?subscription=subscribed&from=2026-03-01&to=2026-03-31');
    expect(await screen.findByText('ada@example.com')).toBeTruthy();
  });

  it('searches email and name on Enter, with the search in the URL and in the export', async () => {
    const { user } = renderContacts('/contacts', [
      page({ filter: {} }, [contact('c1', 'ada@example.com'), contact('c2', 'grace@example.com')]),
      page({ filter: { search: 'grace' } }, [contact('c2', 'grace@example.com')]),
    ]);
    await screen.findByRole('table', { name: 'Contacts' });
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'grace{Enter}');
    expect(screen.getByTestId('location').textContent).toBe('/contacts?q=grace');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Contacts' })).getAllByRole('row')).toHaveLength(2));
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export contacts' });
    expect(
      within(dialog)
        .getAllByRole('definition')
        .map((d) => d.textContent),
    ).toEqual(['Contacts', 'grace']);
  });

  it('ignores filters it does not know from a hand-edited URL', async () => {
    renderContacts('/contacts?subscription=maybe&from=2026-02-30', [page({ filter: {} }, [contact('c1', 'ada@example.com')])]);
    await screen.findByRole('table', { name: 'Contacts' });
    expect((screen.getByLabelText('Subscription') as HTMLSelectElement).value).toBe('');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('');
  });

  it('offers to clear filters that match nothing', async () => {
    const { user } = renderContacts('/contacts?subscription=unsubscribed', [
      page({ filter: { unsubscribed: true } }, []),
      page({ filter: {} }, [contact('c1', 'ada@example.com')]),
    ]);
    expect(await screen.findByText('No contacts match these filters')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByTestId('location').textContent).toBe('/contacts');
    await screen.findByRole('table', { name: 'Contacts' });
  });

  it('shows a reversed date range beside the dates, in words of the form, with Clear filters', async () => {
    const from = new Date(2026, 1, 3).toISOString();
    const to = endOfDay(new Date(2026, 1, 1)).toISOString();
    renderContacts('/contacts?from=2026-02-03&to=2026-02-01', [
      {
        request: { query: ContactsPageQuery, variables: { first: 50, filter: { from, to } } },
        result: { errors: [gqlError('`from` must be before `to`.', 'BAD_USER_INPUT', 'from')] },
      },
    ]);
    // In the form's words, not the API's, with the way out.
    expect(await screen.findByText('Choose a From date on or before the To date.')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Clear filters' })).toBeTruthy();
    expect(screen.getByLabelText('From').getAttribute('aria-invalid')).toBe('true');
  });

  it('asks for the contacts again when its tab is shown again: one added meanwhile shows', async () => {
    renderContacts('/contacts', [
      page({ filter: {} }, [contact('c1', 'ada@example.com')]),
      page({ filter: {} }, [contact('c2', 'bob@example.com'), contact('c1', 'ada@example.com')]),
    ]);
    const table = await screen.findByRole('table', { name: 'Contacts' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    visibility.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(within(table).getByText('bob@example.com')).toBeTruthy();
  });
});
