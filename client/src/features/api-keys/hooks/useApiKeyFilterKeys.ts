import { useQuery } from '@apollo/client/react';
import { ApiKeyFilterKeysQuery } from '../documents';

/**
 * The team's keys for an "API key" filter (undefined until they load), and a key's name by id
 * (undefined once it is deleted).
 */
export function useApiKeyFilterKeys() {
  const { data } = useQuery(ApiKeyFilterKeysQuery);
  const keys = data?.apiKeys;
  return { keys, keyName: (id: string) => keys?.find((k) => k.id === id)?.name };
}
