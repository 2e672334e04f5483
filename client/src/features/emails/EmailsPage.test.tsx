import { screen, waitFor, within } from '@testing-library/react';
import { endOfDay } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { LocationProbe } from '../../test/LocationProbe';
import { adminUser, renderWithProviders } from '../../test/render';
import { EmailsPageQuery } from './documents';
import { EmailsPage } from './EmailsPage';

const email = (id: string, status: string, to = ['ada@example.com']) => ({
  __typename: 'Email',
  id,
  from: 'Acme <hi@mail.example.com>',
  to,
  subject: `Subject ${id}`,
  status,
  error: status === 'failed' ? 'Mailbox unavailable' : null,
  createdAt: new Date(Date.now() - 60 * 60_000).toISOString(),
  sentAt: null,
});

const emailsMock = (variables: Record<string, unknown>, emails: ReturnType<typeof email>[], hasNextPage = false) => ({
  request: { query: EmailsPageQuery, variables: { first: 50, ...variables } },
  result: {
    data: {
      emails: {
        __typename: 'EmailConnection',
        edges: emails.map((node) => ({ __typename: 'EmailEdge', cursor: `c-${node.id}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: emails.length ? `c-${emails[emails.length - 1].id}` : null },
      },
    },
  },
});

const renderEmails = (route: string, mocks: unknown[]) =>
  renderWithProviders(
    <>
      <EmailsPage />
      <LocationProbe />
    </>,
    { route, user: adminUser, mocks: mocks as never[] },
  );

describe('EmailsPage', () => {
  it('lists the emails the API accepted', async () => {
    renderEmails('/emails', [emailsMock({ filter: {} }, [email('m1', 'sent', ['a@x.com', 'b@x.com']), email('m2', 'failed')])]);
    const rows = within(await screen.findByRole('table', { name: 'Emails' })).getAllByRole('row');
    expect(rows[1].textContent).toBe('a@x.com +1Subject m1SentAcme <hi@mail.example.com>1 hour ago');
    expect(within(rows[2]).getByText('Failed').className).toContain('badge-red');
  });

  it('filters by status and date range through the URL', async () => {
    const from = new Date(2026, 2, 1).toISOString();
    const to = endOfDay(new Date(2026, 2, 31)).toISOString();
    const { user } = renderEmails('/emails?from=2026-03-01&to=2026-03-31', [
      emailsMock({ filter: { from, to } }, [email('m1', 'sent'), email('m2', 'failed')]),
      emailsMock({ filter: { from, to, status: 'failed' } }, [email('m2', 'failed')]),
    ]);
    await screen.findByRole('table', { name: 'Emails' });
    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    expect(screen.getByTestId('location').textContent).toBe('/emails?status=failed&from=2026-03-01&to=2026-03-31');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Emails' })).getAllByRole('row')).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export emails' });
    expect(within(dialog).getAllByRole('definition').map((d) => d.textContent)).toEqual([
      'Emails',
      'Failed',
      'Mar 1, 2026',
      'Mar 31, 2026',
    ]);
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
});
