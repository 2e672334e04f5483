import { useQuery } from '@apollo/client/react';
import { ApiKeyFilterKeysQuery } from '../documents';

/**
 * The team's keys for an "API key" filter (undefined until they load), and a key's name by id
 * (undefined once it is deleted). `skip` when nothing on the page names a key.
 */
export function useApiKeyFilterKeys({ skip = false }: { skip?: boolean } = {}) {
  const { data } = useQuery(ApiKeyFilterKeysQuery, { skip });
  const keys = data?.apiKeys;
  return { keys, keyName: (id: string) => keys?.find((k) => k.id === id)?.name };
}
