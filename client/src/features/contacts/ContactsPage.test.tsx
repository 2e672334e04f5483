import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { memberUser, renderWithProviders } from '../../test/render';
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

const page = (variables: Record<string, unknown>, contacts: ReturnType<typeof contact>[], hasNextPage: boolean) => ({
  request: { query: ContactsPageQuery, variables: { first: 50, ...variables } },
  result: {
    data: {
      contacts: {
        __typename: 'ContactConnection',
        edges: contacts.map((node) => ({ __typename: 'ContactEdge', cursor: `c-${node.id}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: `c-${contacts[contacts.length - 1].id}` },
      },
    },
  },
});

describe('ContactsPage', () => {
  it('lists contacts page by page, read-only', async () => {
    const { user } = renderWithProviders(<ContactsPage />, {
      user: memberUser,
      mocks: [
        page({}, [contact('c1', 'ada@example.com')], true),
        page({ after: 'c-c1' }, [contact('c2', 'bob@example.com', true)], false),
      ],
    });
    const table = await screen.findByRole('table', { name: 'Contacts' });
    expect(within(table).getAllByRole('row')[1].textContent).toBe('ada@example.comAdaSubscribed2 days ago');
    expect(screen.queryByRole('button', { name: 'Export' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(within(table).getByText('Unsubscribed')).toBeTruthy();
  });
});
