import { screen, waitFor, within } from '@testing-library/react';
import { endOfDay } from 'date-fns';
import { Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { LocationProbe } from '../../test/LocationProbe';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../test/render';
import { filterKeysMock } from '../api-keys/test-fixtures';
import { EmailDetailQuery, EmailsPageQuery } from './documents';
import { EmailDetailPage } from './EmailDetailPage';
import { EmailsPage } from './EmailsPage';
import { CancelEmailMutation } from './hooks/useCancelEmailMutation';

const keys = [
  { __typename: 'ApiKey', id: 'k1', name: 'Production' },
  { __typename: 'ApiKey', id: 'k2', name: 'Staging' },
];

type SentBy = { apiKeyId: string | null; apiKey: (typeof keys)[number] | null };

const email = (id: string, status: string, to = ['ada@example.com'], sentBy: SentBy = { apiKeyId: 'k1', apiKey: keys[0] }) => ({
  __typename: 'Email',
  id,
  from: 'Acme <hi@mail.example.com>',
  to,
  subject: `Subject ${id}`,
  status,
  error: status === 'failed' ? 'Mailbox unavailable' : null,
  createdAt: new Date(Date.now() - 60 * 60_000).toISOString(),
  sentAt: null,
  scheduledAt: status === 'scheduled' ? new Date(Date.now() + 3 * 3600_000 + 60_000).toISOString() : null,
  messageId: `<${id}@mail.example.com>`,
  ...sentBy,
});

/** A page of emails; `searchedUntil`: a search stopped there by its budget, to go on after `endCursor`. */
const emailsMock = (
  variables: Record<string, unknown>,
  emails: ReturnType<typeof email>[],
  hasNextPage = false,
  stopped: { searchedUntil: string; endCursor: string } | null = null,
) => ({
  request: { query: EmailsPageQuery, variables: { first: 50, ...variables } },
  result: {
    data: {
      emails: {
        __typename: 'EmailConnection',
        edges: emails.map((node) => ({ __typename: 'EmailEdge', cursor: `c-${node.id}`, node })),
        pageInfo: {
          __typename: 'PageInfo',
          hasNextPage: hasNextPage || stopped !== null,
          endCursor: stopped?.endCursor ?? (emails.length ? `c-${emails[emails.length - 1].id}` : null),
        },
        searchedUntil: stopped?.searchedUntil ?? null,
      },
    },
  },
});

const renderEmails = (route: string, mocks: unknown[], user = adminUser) =>
  renderWithProviders(
    <>
      <EmailsPage />
      <LocationProbe />
    </>,
    { route, user, mocks: [filterKeysMock(keys), ...(mocks as never[])] },
  );

describe('EmailsPage', () => {
  it('shows when a scheduled email is due, and an admin cancels it after confirming', async () => {
    const scheduled = email('s1', 'scheduled');
    const { user } = renderEmails('/emails', [
      emailsMock({ filter: {} }, [scheduled, email('m1', 'sent')]),
      { request: { query: CancelEmailMutation, variables: { id: 's1' } }, result: { data: { cancelEmail: { ...scheduled, status: 'canceled' } } } },
    ]);
    const rows = within(await screen.findByRole('table', { name: 'Emails' })).getAllByRole('row');
    expect(within(rows[1]).getByText('Scheduled').className).toContain('badge-yellow');
    expect(rows[1].querySelector('time')?.textContent).toBe('in 3 hours');
    // Only scheduled emails can be canceled.
    expect(within(rows[2]).queryByRole('button', { name: /More options/ })).toBeNull();
    await user.click(within(rows[1]).getByRole('button', { name: 'More options for Subject s1' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Cancel email' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel scheduled email' });
    expect(dialog.textContent).toContain('Subject s1 to ada@example.com will not be sent');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel email' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(within(screen.getByRole('table', { name: 'Emails' })).getAllByRole('row')[1].textContent).toContain('Canceled');
  });

  it('drops a canceled email from a list filtered to scheduled emails', async () => {
    const [s1, s2] = [email('s1', 'scheduled'), email('s2', 'scheduled')];
    const filter = { filter: { emailStatus: 'SCHEDULED' } };
    const { user } = renderEmails('/emails?status=scheduled', [
      emailsMock(filter, [s1, s2]),
      { request: { query: CancelEmailMutation, variables: { id: 's1' } }, result: { data: { cancelEmail: { ...s1, status: 'canceled' } } } },
      emailsMock(filter, [s2]),
    ]);
    const table = await screen.findByRole('table', { name: 'Emails' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    await user.click(within(table).getByRole('button', { name: 'More options for Subject s1' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Cancel email' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel scheduled email' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel email' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Emails' })).queryByText('Subject s1')).toBeNull());
    expect(within(screen.getByRole('table', { name: 'Emails' })).queryByText('Canceled')).toBeNull();
    expect(within(screen.getByRole('table', { name: 'Emails' })).getByText('Subject s2')).toBeTruthy();
  });

  it('offers no cancel to members', async () => {
    renderEmails('/emails', [emailsMock({ filter: {} }, [email('s1', 'scheduled')])], memberUser);
    const table = await screen.findByRole('table', { name: 'Emails' });
    expect(within(table).getByText('Scheduled')).toBeTruthy();
    expect(within(table).queryByRole('button', { name: /More options/ })).toBeNull();
  });

  it('lists the emails the API accepted', async () => {
    renderEmails('/emails', [emailsMock({ filter: {} }, [email('m1', 'sent', ['a@x.com', 'b@x.com']), email('m2', 'failed')])]);
    const rows = within(await screen.findByRole('table', { name: 'Emails' })).getAllByRole('row');
    expect(rows[0].textContent).toBe('ToSubjectStatusFromAPI keyCreated');
    expect(rows[1].textContent).toBe('a@x.com +1Subject m1SentAcme <hi@mail.example.com>Production1 hour ago');
    expect(within(rows[2]).getByText('Failed').className).toContain('badge-red');
  });

  it('names the key that sent each email, linked to the key; a deleted key is muted', async () => {
    renderEmails('/emails', [
      emailsMock({ filter: {} }, [
        email('m1', 'sent', ['a@x.com'], { apiKeyId: 'k2', apiKey: keys[1] }),
        email('m2', 'sent', ['b@x.com'], { apiKeyId: 'gone', apiKey: null }),
        email('m3', 'sent', ['c@x.com'], { apiKeyId: null, apiKey: null }),
      ]),
    ]);
    const rows = within(await screen.findByRole('table', { name: 'Emails' })).getAllByRole('row');
    expect(rows.map((r) => r.querySelectorAll('td')[4]?.textContent)).toEqual([undefined, 'Staging', 'Deleted key', '—']);
    expect(within(rows[1]).getByRole('link', { name: 'Staging' }).getAttribute('href')).toBe('/api-keys/k2');
    expect(within(rows[2]).getByText('Deleted key').className).toContain('muted');
    expect(within(rows[2].querySelectorAll('td')[4]).queryByRole('link')).toBeNull();
  });

  it('filters by the key that sent them through the URL, and exports with its name', async () => {
    const { user } = renderEmails('/emails', [
      emailsMock({ filter: {} }, [email('m1', 'sent'), email('m2', 'sent', ['b@x.com'], { apiKeyId: 'k2', apiKey: keys[1] })]),
      emailsMock({ filter: { apiKeyId: 'k2' } }, [email('m2', 'sent', ['b@x.com'], { apiKeyId: 'k2', apiKey: keys[1] })]),
    ]);
    await screen.findByRole('table', { name: 'Emails' });
    const select = screen.getByLabelText('API key') as HTMLSelectElement;
    // The key filter comes first.
    expect(screen.getAllByRole('combobox')[0]).toBe(select);
    await waitFor(() => expect(screen.getByRole('option', { name: 'Staging' })).toBeTruthy());

    await user.selectOptions(select, 'k2');
    expect(screen.getByTestId('location').textContent).toBe('/emails?apiKeyId=k2');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Emails' })).getAllByRole('row')).toHaveLength(2));
    expect(within(screen.getByRole('table', { name: 'Emails' })).getByText('b@x.com')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export emails' });
    expect(
      within(dialog)
        .getAllByRole('term')
        .map((t) => t.textContent),
    ).toEqual(['Resource', 'API key']);
    expect(
      within(dialog)
        .getAllByRole('definition')
        .map((d) => d.textContent),
    ).toEqual(['Emails', 'Staging']);
  });

  it('keeps a key from the URL that is no longer in the list chosen, as a deleted key', async () => {
    renderEmails('/emails?apiKeyId=gone', [
      emailsMock({ filter: { apiKeyId: 'gone' } }, [email('m9', 'sent', ['z@x.com'], { apiKeyId: 'gone', apiKey: null })]),
    ]);
    await screen.findByRole('table', { name: 'Emails' });
    await waitFor(() => expect(screen.getByRole('option', { name: 'Production' })).toBeTruthy());
    const select = screen.getByLabelText('API key') as HTMLSelectElement;
    expect(select.value).toBe('gone');
    expect(select.selectedOptions[0].textContent).toBe('A deleted key');
  });

  it('filters by status and date range through the URL', async () => {
    const from = new Date(2026, 2, 1).toISOString();
    const to = endOfDay(new Date(2026, 2, 31)).toISOString();
    const { user } = renderEmails('/emails?from=2026-03-01&to=2026-03-31', [
      emailsMock({ filter: { from, to } }, [email('m1', 'sent'), email('m2', 'failed')]),
      emailsMock({ filter: { from, to, emailStatus: 'FAILED' } }, [email('m2', 'failed')]),
    ]);
    await screen.findByRole('table', { name: 'Emails' });
    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    expect(screen.getByTestId('location').textContent).toBe('/emails?status=failed&from=2026-03-01&to=2026-03-31');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Emails' })).getAllByRole('row')).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export emails' });
    expect(
      within(dialog)
        .getAllByRole('definition')
        .map((d) => d.textContent),
    ).toEqual(['Emails', 'Failed', 'Mar 1, 2026', 'Mar 31, 2026']);
  });

  it('links each subject to the email’s page, whose back link keeps the list’s filters', async () => {
    const detail = { ...email('m2', 'failed'), cc: [], bcc: [], replyTo: [], html: '<p>Hi</p>', text: null };
    const { user } = renderWithProviders(
      <>
        <Routes>
          <Route path="/emails" element={<EmailsPage />} />
          <Route path="/emails/:id" element={<EmailDetailPage />} />
        </Routes>
        <LocationProbe />
      </>,
      {
        route: '/emails?status=failed',
        user: adminUser,
        mocks: [
          filterKeysMock(keys),
          emailsMock({ filter: { emailStatus: 'FAILED' } }, [email('m2', 'failed')]),
          { request: { query: EmailDetailQuery, variables: { id: 'm2' } }, result: { data: { email: detail } } },
        ] as never[],
      },
    );
    const table = await screen.findByRole('table', { name: 'Emails' });
    const link = within(table).getByRole('link', { name: 'Subject m2' });
    expect(link.getAttribute('href')).toBe('/emails/m2');

    // A real link, followed from the keyboard.
    link.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('location').textContent).toBe('/emails/m2');
    expect(await screen.findByRole('heading', { name: 'Subject m2', level: 1 })).toBeTruthy();
    expect(screen.getByRole('link', { name: '← Emails' }).getAttribute('href')).toBe('/emails?status=failed');

    // Back on the list, a click anywhere on the row (not on a link) opens it too, as on Logs.
    await user.click(screen.getByRole('link', { name: '← Emails' }));
    const row = within(await screen.findByRole('table', { name: 'Emails' })).getAllByRole('row')[1];
    await user.click(within(row).getByText('Failed'));
    expect(screen.getByTestId('location').textContent).toBe('/emails/m2');
  });

  it('searches on Enter, keeps the search in the URL, and clears it when the box is emptied', async () => {
    const { user } = renderEmails('/emails', [
      emailsMock({ filter: {} }, [email('m1', 'sent'), email('m2', 'failed')]),
      emailsMock({ filter: { search: 'invoice' } }, [email('m2', 'failed')]),
      emailsMock({ filter: {} }, [email('m1', 'sent'), email('m2', 'failed')]),
    ]);
    await screen.findByRole('table', { name: 'Emails' });
    const box = screen.getByRole('searchbox', { name: 'Search' });
    await user.type(box, 'invoice');
    // Typing alone asks nothing of the server.
    expect(screen.getByTestId('location').textContent).toBe('/emails');
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('location').textContent).toBe('/emails?q=invoice');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Emails' })).getAllByRole('row')).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export emails' });
    expect(
      within(dialog)
        .getAllByRole('definition')
        .map((d) => d.textContent),
    ).toEqual(['Emails', 'invoice']);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.clear(box);
    expect(screen.getByTestId('location').textContent).toBe('/emails');
  });

  it('shows the search of the URL in the box', async () => {
    renderEmails('/emails?q=ada%40example.com', [emailsMock({ filter: { search: 'ada@example.com' } }, [email('m1', 'sent')])]);
    await screen.findByRole('table', { name: 'Emails' });
    expect((screen.getByRole('searchbox', { name: 'Search' }) as HTMLInputElement).value).toBe('ada@example.com');
  });

  it('says where a status or search stopped, and searches older emails from there', async () => {
    const stopped = { searchedUntil: new Date(2026, 10, 20, 8).toISOString(), endCursor: 'window-end' }; // Nov 20 where the browser is
    const filter = { search: 'invoice', emailStatus: 'FAILED' };
    const { user } = renderEmails('/emails?q=invoice&status=failed', [
      emailsMock({ filter }, [], false, stopped),
      emailsMock({ filter, after: 'window-end' }, [email('m7', 'failed')], false, { ...stopped, endCursor: 'window-end-2' }),
      emailsMock({ filter, after: 'window-end-2' }, [email('m8', 'failed')]),
    ]);
    expect(await screen.findByText('No matching emails back to Nov 20, 2026; older emails were not searched yet.')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'No emails match these filters' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Search older emails' }));
    const table = await screen.findByRole('table', { name: 'Emails' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(screen.getByText('No more matching emails back to Nov 20, 2026; older emails were not searched yet.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    // The rest of the history searched: the list ends as any other.
    await user.click(screen.getByRole('button', { name: 'Search older emails' }));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Emails' })).getAllByRole('row')).toHaveLength(3));
    expect(screen.queryByText(/not searched yet/)).toBeNull();
    expect(screen.getByText('2 emails')).toBeTruthy();
  });

  it('loads more', async () => {
    const { user } = renderEmails('/emails', [
      emailsMock({ filter: {} }, [email('m1', 'sent')], true),
      emailsMock({ filter: {}, after: 'c-m1' }, [email('m2', 'queued')]),
    ]);
    await screen.findByRole('table', { name: 'Emails' });
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Emails' })).getAllByRole('row')).toHaveLength(3));
  });

  it('closes the confirmation and shows the real status when the email was sent (or canceled) meanwhile', async () => {
    // It left the dialog open over a row still reading Scheduled; each try was refused again.
    const scheduled = email('s1', 'scheduled');
    const sent = { ...scheduled, status: 'sent', scheduledAt: scheduled.scheduledAt, sentAt: new Date().toISOString() };
    const { user } = renderEmails('/emails', [
      emailsMock({ filter: {} }, [scheduled]),
      {
        request: { query: CancelEmailMutation, variables: { id: 's1' } },
        result: { errors: [gqlError('Only a scheduled email can be changed or canceled; this one is sent.', 'BAD_USER_INPUT', 'id')] },
      },
      {
        request: { query: EmailDetailQuery, variables: { id: 's1' } },
        result: { data: { email: { ...sent, cc: [], bcc: [], replyTo: [], html: null, text: 'Hi' } } },
      },
    ]);
    const table = await screen.findByRole('table', { name: 'Emails' });
    await user.click(within(table).getByRole('button', { name: 'More options for Subject s1' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Cancel email' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel scheduled email' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel email' }));
    expect(await screen.findByText('Only a scheduled email can be changed or canceled; this one is sent.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(within(table).getAllByRole('row')[1].textContent).toContain('Sent'));
    expect(within(table).queryByRole('button', { name: 'More options for Subject s1' })).toBeNull();
  });

  it('asks for the emails again when its tab is shown again: a scheduled email sent meanwhile reads Sent', async () => {
    renderEmails('/emails', [emailsMock({ filter: {} }, [email('s1', 'scheduled')]), emailsMock({ filter: {} }, [email('s1', 'sent')])]);
    const table = await screen.findByRole('table', { name: 'Emails' });
    expect(within(table).getByText('Scheduled')).toBeTruthy();
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      visibility.mockReturnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      await waitFor(() => expect(within(table).getByText('Sent')).toBeTruthy());
      expect(within(table).queryByText('Scheduled')).toBeNull();
    } finally {
      visibility.mockRestore();
    }
  });
});
