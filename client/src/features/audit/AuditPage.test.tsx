import { format, parseISO } from 'date-fns';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, memberUser, renderWithProviders } from '../../test/render';
import { ApiKeyFilterKeysQuery } from '../api-keys/documents';
import { AuditPage } from './AuditPage';
import { actionLabel, describeMetadata, targetPath } from './actions';
import { AuditPageQuery } from './documents';

/** The metadata's words without the isolates around each value (U+2068 … U+2069), checked on their own below. */
const withoutIsolates = (s: string | null) => (s ?? '').replace(/[\u2068\u2069]/g, '');
const described = (metadata: unknown) => withoutIsolates(describeMetadata(metadata));

const event = (id: string, over: Record<string, unknown>) => ({
  __typename: 'AuditEvent',
  id,
  action: 'api_key.created',
  actor: { __typename: 'User', id: 'u-1', email: 'ada@example.com' },
  actorApiKeyId: null,
  targetId: `${id}0000000-0000-4000-8000-000000000000`,
  metadata: null,
  createdAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  ...over,
});

const list = (events: ReturnType<typeof event>[], page: { after?: string; hasNextPage?: boolean } = {}) => ({
  request: { query: AuditPageQuery, variables: { first: 50, ...(page.after ? { after: page.after } : {}) } },
  result: {
    data: {
      auditEvents: {
        __typename: 'AuditEventConnection',
        edges: events.map((node) => ({ __typename: 'AuditEventEdge', cursor: `c-${node.id}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage: page.hasNextPage ?? false, endCursor: events.length ? `c-${events[events.length - 1].id}` : null },
      },
    },
  },
});

describe('AuditPage', () => {
  it('lists who did what and when, naming the key that acted, linking to what still exists', async () => {
    renderWithProviders(<AuditPage />, {
      user: adminUser,
      mocks: [
        list([
          event('a', { action: 'api_key.updated', metadata: { name: { from: 'Old', to: 'New' }, permission: { from: 'FULL_ACCESS', to: 'SENDING_ACCESS' } } }),
          event('b', { action: 'export.created', actor: null, actorApiKeyId: 'k1', metadata: { resource: 'LOGS' } }),
          event('c', { action: 'api_key.deleted', metadata: { name: 'Gone' } }),
          event('d', { action: 'member.invited', metadata: { email: 'new@example.com', role: 'MEMBER' } }),
        ]),
        { request: { query: ApiKeyFilterKeysQuery }, result: { data: { apiKeys: [{ __typename: 'ApiKey', id: 'k1', name: 'CI' }] } } },
      ],
    });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(4);
    expect(rows[0].textContent).toContain('API key updated');
    expect(rows[0].textContent).toContain('ada@example.com');
    expect(withoutIsolates(rows[0].textContent)).toContain('name: Old → New · permission: Full access → Sending access');
    expect(rows[0].textContent).toContain('5 minutes ago');
    expect(within(rows[0]).getByRole('link', { name: 'a0000000' }).getAttribute('href')).toBe('/api-keys/a0000000-0000-4000-8000-000000000000');
    expect(await within(rows[1]).findByRole('link', { name: 'API key CI' })).toBeTruthy();
    expect(within(rows[1]).getByRole('link', { name: 'b0000000' }).getAttribute('href')).toBe('/exports/b0000000-0000-4000-8000-000000000000');
    // A deleted key has no page to link to.
    expect(within(rows[2]).queryByRole('link')).toBeNull();
    expect(rows[3].textContent).toContain('Member invited');
    expect(withoutIsolates(rows[3].textContent)).toContain('email: new@example.com · role: Member');
  });

  it('shows the older events under the first page on Load more', async () => {
    const { user } = renderWithProviders(<AuditPage />, {
      user: adminUser,
      mocks: [
        list([event('a', { metadata: { name: 'Newest' } })], { hasNextPage: true }),
        list([event('b', { metadata: { name: 'Oldest' } })], { after: 'c-a' }),
        { request: { query: ApiKeyFilterKeysQuery }, result: { data: { apiKeys: [] } } },
      ],
    });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    // The second page used to land in the cache beside the first, and the list stayed as it was.
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    const rows = within(table).getAllByRole('row').slice(1);
    expect(withoutIsolates(rows[0].textContent)).toContain('name: Newest');
    expect(withoutIsolates(rows[1].textContent)).toContain('name: Oldest');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('tells a member that only admins see it, and asks the server nothing', async () => {
    renderWithProviders(<AuditPage />, { user: memberUser, mocks: [] });
    expect(await screen.findByText('Only admins can see the audit log')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });
});

const local = (iso: string) => format(parseISO(iso), 'MMM d, yyyy, HH:mm');

describe('audit labels', () => {
  it('isolates each value as it was written, so a right-to-left name keeps its punctuation', () => {
    expect(describeMetadata({ name: { from: 'שלום!', to: 'Prod' } })).toBe('name: \u2068שלום!\u2069 → \u2068Prod\u2069');
    expect(describeMetadata({ permission: 'FULL_ACCESS', rowCount: 12 })).toBe('permission: Full access · rows: 12');
  });

  it('reads actions, targets and metadata', () => {
    expect(actionLabel('api_key.previous_token_expired')).toBe('API key previous token expired');
    expect(actionLabel('domain.verified')).toBe('Domain verified');
    expect(actionLabel('odd')).toBe('odd');
    expect(targetPath('domain.created', 'd1')).toBe('/domains/d1');
    expect(targetPath('domain.deleted', 'd1')).toBeNull();
    expect(targetPath('member.joined', 'm1')).toBeNull();
    expect(targetPath('api_key.created', null)).toBeNull();
    expect(described({ expiresAt: { from: null, to: '2027-01-01T00:00:00.000Z' }, n: 2, o: { a: 1 } })).toBe(
      `expires at: — → ${local('2027-01-01T00:00:00.000Z')} · n: 2 · o (a: 1)`,
    );
    expect(described(null)).toBe('');
  });

  it('reads metadata as a person would: names over ids, labels over constants, filters as filters, times where the reader is', () => {
    // An export's filters hold from and to: they are filters, not a change from one to the other.
    const from = '2026-12-04T11:00:00.000Z';
    const to = '2026-12-05T10:59:59.999Z';
    expect(described({ resource: 'LOGS', filters: { from, to, errorsOnly: true, apiKeyId: 'k1' }, rowCount: 12 })).toBe(
      `resource: LOGS · filters: from: ${local(from)}, to: ${local(to)}, errors only: yes, api key id: k1 · rows: 12`,
    );
    expect(described({ resource: 'EMAILS', filters: {}, rowCount: null })).toBe('resource: EMAILS · filters: none · rows: —');
    expect(described({ userId: 'u1', email: 'gone@example.com' })).toBe('email: gone@example.com');
    expect(described({ domainId: { from: null, to: 'd1' }, domain: { from: null, to: 'mail.example.com' } })).toBe('domain: — → mail.example.com');
    expect(described({ domainId: { from: null, to: 'd1' } })).toBe('domain id: — → d1');
    expect(described({ name: 'CI', permission: 'FULL_ACCESS', domainId: null, domain: null })).toBe('name: CI · permission: Full access · domain: —');
    expect(described({ permission: { from: 'SENDING_ACCESS', to: 'FULL_ACCESS' } })).toBe('permission: Sending access → Full access');
    expect(described({ gracePeriodSeconds: 604_800 })).toBe('grace period: 7 days');
    expect(described({ gracePeriodSeconds: 0 })).toBe('grace period: none, the old token stopped at once');
    expect(described({ gracePeriodSeconds: 3_600, previousTokenEnded: { tokenStart: 're_AbC123', wasValidUntil: '2026-12-05T10:30:00.000Z' } })).toMatch(
      /^grace period: 1 hour · previous token re_AbC123… ended early \(was valid until Dec 5, 2026, \d\d:30\)$/,
    );
    expect(described({ limits: { rows: 5, size: 'large' } })).toBe('limits (rows: 5, size: large)');
    expect(described({ gracePeriodSeconds: 3_600 })).toBe('grace period: 1 hour');
    expect(described({ from: 'ADMIN', to: 'MEMBER' })).toBe('role: Admin → Member');
    expect(described({ email: 'new@example.com', role: 'MEMBER' })).toBe('email: new@example.com · role: Member');
  });

  it('asks for the events again when its tab is shown again: what teammates did meanwhile shows', async () => {
    const keys = { request: { query: ApiKeyFilterKeysQuery }, result: { data: { apiKeys: [] } }, maxUsageCount: Number.POSITIVE_INFINITY };
    renderWithProviders(<AuditPage />, {
      user: adminUser,
      mocks: [list([event('a', {})]), list([event('b', { action: 'api_key.deleted', metadata: { name: 'Gone' } }), event('a', {})]), keys],
    });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      visibility.mockReturnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
      expect(within(table).getAllByRole('row')[1].textContent).toContain('API key deleted');
    } finally {
      visibility.mockRestore();
    }
  });
});
