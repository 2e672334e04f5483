import { describe, expect, it } from 'vitest';
import { dayRangeFilter } from '../../app/url-filters';
import type { ExportResource } from '../../gql/graphql';
import { describeApiKeyFilters } from '../api-keys/labels';
import { describeBroadcastFilters } from '../broadcasts/filters';
import { describeContactFilters } from '../contacts/filters';
import { describeEmailFilters } from '../emails/filters';
import { describeLogFilters } from '../logs/filters';
import { describeExportFilters } from './filter-labels';
import { summarizeFilters } from './filters';

const keyName = (id: string) => (id === 'k1' ? 'Production' : undefined);
const march = dayRangeFilter({ from: '2026-03-01', to: '2026-03-31' });

describe('a stored export’s filters read as its list page’s export dialog read them', () => {
  // Each: the page's labels (URL filters), and the same filter as the server stores it, typed or old JSON.
  const cases: [ExportResource, ReturnType<typeof describeLogFilters>, Record<string, unknown>[]][] = [
    [
      'EMAILS',
      describeEmailFilters({ q: 'invoice', apiKeyId: 'k1', status: 'sent', from: '2026-03-01', to: '2026-03-31' }, keyName),
      [
        { search: 'invoice', apiKeyId: 'k1', emailStatus: 'sent', ...march },
        { search: 'invoice', apiKeyId: 'k1', emailStatus: 'SENT', ...march },
      ],
    ],
    [
      'LOGS',
      describeLogFilters({ apiKeyId: 'k1', status: '4xx', method: 'POST', endpoint: '/emails', from: '2026-03-01' }, keyName),
      [
        { apiKeyId: 'k1', responseClass: 4, httpMethod: 'POST', endpoint: '/emails', from: march.from },
        { apiKeyId: 'k1', statusClass: 4, method: 'POST', endpoint: '/emails', from: march.from },
      ],
    ],
    ['LOGS', describeLogFilters({ status: '422' }, keyName), [{ statusCode: 422 }]],
    [
      'BROADCASTS',
      describeBroadcastFilters({ q: 'news', status: 'draft' }),
      [
        { search: 'news', broadcastStatus: 'draft' },
        { search: 'news', status: 'draft' },
      ],
    ],
    ['CONTACTS', describeContactFilters({ subscription: 'unsubscribed', to: '2026-03-31' }), [{ unsubscribed: true, to: march.to }]],
    [
      'API_KEYS',
      describeApiKeyFilters({ permission: 'FULL_ACCESS', usageStatus: 'INACTIVE', search: 'prod' }),
      [{ permission: 'FULL_ACCESS', usageStatus: 'INACTIVE', search: 'prod' }],
    ],
  ];

  it.each(cases)('%s', (resource, page, stored) => {
    expect(page.length).toBeGreaterThan(0);
    for (const filters of stored) expect(describeExportFilters(resource, filters, keyName), JSON.stringify(filters)).toEqual(page);
  });

  it('in words', () => {
    expect(summarizeFilters(describeExportFilters('LOGS', { apiKeyId: 'k1', responseClass: 4 }, keyName))).toBe('API key: Production · Status: 4xx');
    expect(summarizeFilters(describeExportFilters('EMAILS', { emailStatus: 'failed', from: '2026-03-01T00:00:00.000Z' }))).toMatch(
      /^Status: Failed · From: (Feb 28|Mar 1), 2026$/,
    );
    expect(summarizeFilters(describeExportFilters('LOGS', { apiKeyId: 'gone' }, keyName))).toBe('API key: A deleted key');
    expect(summarizeFilters(describeExportFilters('API_KEYS', { expiringSoon: true, enabled: false }))).toBe('Expiry: Expiring soon · State: Disabled');
    // false is a filter too since the API took it as one: the keys not expiring within 7 days.
    expect(summarizeFilters(describeExportFilters('API_KEYS', { expiringSoon: false }))).toBe('Expiry: Not expiring soon');
    expect(summarizeFilters(describeExportFilters('LOGS', { errorsOnly: true }))).toBe('Status: Errors only (4xx, 5xx)');
    expect(summarizeFilters(describeExportFilters('DOMAINS', {}))).toBe('All rows');
    expect(describeExportFilters('EMAILS', null)).toEqual([]);
    expect(describeExportFilters('EMAILS', ['sent'])).toEqual([]);
  });
});
