import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, renderWithProviders } from '../../test/render';
import { BroadcastsPage } from './BroadcastsPage';
import { BroadcastsPageQuery } from './documents';

describe('BroadcastsPage', () => {
  it('lists broadcasts with their status, and offers admins an export', async () => {
    const { user } = renderWithProviders(<BroadcastsPage />, {
      user: adminUser,
      mocks: [
        {
          request: { query: BroadcastsPageQuery, variables: { first: 50 } },
          result: {
            data: {
              broadcasts: {
                __typename: 'BroadcastConnection',
                edges: [
                  {
                    __typename: 'BroadcastEdge',
                    cursor: 'c-b1',
                    node: {
                      __typename: 'Broadcast',
                      id: 'b1',
                      name: 'November newsletter',
                      subject: 'What is new',
                      from: 'news@mail.example.com',
                      status: 'draft',
                      createdAt: new Date(Date.now() - 86_400_000).toISOString(),
                      sentAt: null,
                    },
                  },
                ],
                pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'c-b1' },
              },
            },
          },
        },
      ],
    });
    const table = await screen.findByRole('table', { name: 'Broadcasts' });
    expect(within(table).getAllByRole('row')[1].textContent).toBe('November newsletterWhat is newnews@mail.example.comDraft1 day ago—');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByRole('dialog', { name: 'Export broadcasts' })).toBeTruthy();
  });
});
