import type { ApiKeyFilter } from '../../gql/graphql';
import { ApiKeyDomainsQuery, ApiKeyFilterKeysQuery, ApiKeysPageQuery, ApiKeysRecentUsageQuery } from './documents';

// Mock data for the feature's unit tests, shaped like the server's answers.

const now = Date.now();
export const iso = (daysFromNow: number) => new Date(now + daysFromNow * 86_400_000).toISOString();

type KeyOverrides = Partial<{
  permission: 'FULL_ACCESS' | 'SENDING_ACCESS';
  tokenStart: string;
  createdAt: string;
  lastUsedAt: string | null;
  usageStatus: 'ACTIVE' | 'INACTIVE' | 'NEVER_USED';
  requestCount: number;
  expiresAt: string | null;
  domain: { __typename: 'Domain'; id: string; name: string } | null;
  enabled: boolean;
  previousTokenStart: string | null;
  previousTokenExpiresAt: string | null;
}>;

export const apiKey = (id: string, name: string, overrides: KeyOverrides = {}) => ({
  __typename: 'ApiKey' as const,
  id,
  name,
  permission: 'FULL_ACCESS' as const,
  tokenStart: 're_AbCde',
  createdAt: iso(-40),
  lastUsedAt: null,
  usageStatus: 'NEVER_USED' as const,
  requestCount: 0,
  expiresAt: null,
  domain: null,
  enabled: true,
  previousTokenStart: null as string | null,
  previousTokenExpiresAt: null as string | null,
  ...overrides,
});

export type MockKey = ReturnType<typeof apiKey>;

export const domain = (id: string, name: string) => ({ __typename: 'Domain' as const, id, name });

export const healthOf = (keys: readonly MockKey[]) => ({
  __typename: 'ApiKeyHealth' as const,
  total: keys.length,
  neverUsed: keys.filter((k) => k.usageStatus === 'NEVER_USED').length,
  inactive: keys.filter((k) => k.usageStatus === 'INACTIVE').length,
  fullAccess: keys.filter((k) => k.permission === 'FULL_ACCESS').length,
  expiringSoon: keys.filter((k) => k.expiresAt && new Date(k.expiresAt).getTime() - now < 7 * 86_400_000).length,
  disabled: keys.filter((k) => !k.enabled).length,
});

/** The page's query: `keys` as the list for `filter`, health counted over `all`. */
export const pageMock = (keys: readonly MockKey[], filter: ApiKeyFilter = {}, all: readonly MockKey[] = keys) => ({
  request: { query: ApiKeysPageQuery, variables: { filter } },
  result: { data: { apiKeys: keys, apiKeyHealth: healthOf(all) } },
});

/** The sparklines' query for the keys of `filter`. */
export const recentUsageMock = (usage: readonly { id: string; recentRequests: number[]; recentErrorRate: number | null }[], filter: ApiKeyFilter = {}) => ({
  request: { query: ApiKeysRecentUsageQuery, variables: { filter } },
  result: { data: { apiKeys: usage.map((u) => ({ __typename: 'ApiKey' as const, ...u })) } },
});

export const domainsMock = (domains: ReturnType<typeof domain>[]) => ({
  request: { query: ApiKeyDomainsQuery },
  result: { data: { domains } },
});

/** The keys of the "API key" filter on other features' list pages. */
export const filterKeysMock = (keys: readonly { id: string; name: string }[]) => ({
  request: { query: ApiKeyFilterKeysQuery },
  result: { data: { apiKeys: keys.map((k) => ({ __typename: 'ApiKey' as const, id: k.id, name: k.name })) } },
});
