import { type ErrorLike, NetworkStatus, type OperationVariables, type TypedDocumentNode } from '@apollo/client';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useNavigationType } from 'react-router';
import { graphql } from '../gql';
import { type FieldErrors, reportErrors, splitErrors } from './errors';
import { useRefreshWhenShown } from './polling';

/** The most rows the server gives in one page (`first`: 1–100). */
const MAX_PAGE = 100;

/** What every list query asks of its connection's `pageInfo`: `pageInfo { ...CursorList_pageInfo }`. */
export const CursorListPageInfoFragment = graphql(`
  fragment CursorList_pageInfo on PageInfo {
    hasNextPage
    endCursor
  }
`);

/** The part of a GraphQL connection a list page reads. */
export type CursorConnection<TNode> = {
  edges: readonly { node: TNode }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
};

/** What a list page's query takes: a page size and the cursor to continue after. */
type PageVariables = OperationVariables & { first?: number | null; after?: string | null };

/**
 * One cursor-paginated list: its rows, its state, and the next page. A visit shows what is cached
 * at once, then what is true now; a reversed date range, or a key id that is not one (a hand-edited
 * link), comes back as `fieldErrors` to show beside the filter rather than as the list's error.
 */
export function useCursorList<TData, TVariables extends PageVariables, TNode>(
  query: TypedDocumentNode<TData, TVariables>,
  options: { variables: TVariables; connection: (data: TData) => CursorConnection<TNode>; refreshWhenShown?: boolean },
) {
  const client = useApolloClient();
  const navigationType = useNavigationType();
  const key = JSON.stringify(options.variables);
  // Back or forward to a list whose "Load more" went further than its first page: those pages as
  // they were, not a fresh first page, which replaced them (the cache keeps one list per filter)
  // and lost the reader's place in them. Refresh, or another filter, asks the server again.
  const [keptPages, setKeptPages] = useState(() => {
    if (navigationType !== 'POP') return undefined;
    const cached = client.readQuery({ query, variables: options.variables });
    const shown = cached ? options.connection(cached).edges.length : 0;
    return shown > (options.variables.first ?? 50) ? key : undefined;
  });
  if (keptPages !== undefined && keptPages !== key) setKeptPages(undefined);
  const result = useQuery<TData, TVariables>(query, {
    variables: options.variables,
    fetchPolicy: keptPages === key ? 'cache-first' : 'cache-and-network',
  } as useQuery.Options<TData, TVariables>);
  const { error, fetchMore, networkStatus } = result;
  const { fieldErrors }: { fieldErrors: FieldErrors<'from' | 'to' | 'apiKeyId'> } = error
    ? splitErrors(error, ['from', 'to', 'apiKeyId'] as const)
    : { fieldErrors: {} };
  // Dates refused (a reversed range): the rows shown before stay, under the error beside the dates.
  const data = result.data ?? (Object.keys(fieldErrors).length ? result.previousData : undefined);
  const connection = data ? options.connection(data as TData) : undefined;

  const loadMore = async () => {
    if (!result.data) return;
    try {
      await fetchMore({ variables: { after: connection?.pageInfo.endCursor } as Partial<TVariables> });
    } catch (e) {
      reportErrors(e);
    }
  };

  // Back to its tab: the rows shown asked for again in one page (Load more's pages too, up to the
  // server's page size), so that statuses and new rows show without losing the reader's place.
  const shown = connection?.edges.length ?? 0;
  useRefreshWhenShown(() => {
    if (!result.data || shown > MAX_PAGE) return;
    return client.query({
      query,
      variables: { ...options.variables, first: Math.max(options.variables.first ?? 0, shown) || undefined },
      fetchPolicy: 'network-only',
    });
  }, options.refreshWhenShown ?? false);

  return {
    ...result,
    data: data as TData | undefined,
    nodes: connection?.edges.map((e) => e.node) ?? [],
    hasMore: connection?.pageInfo.hasNextPage ?? false,
    loadingMore: networkStatus === NetworkStatus.fetchMore,
    loadMore,
    fieldErrors,
  };
}

/** What a list page's body needs of its list (ListState). */
export type CursorList<TNode> = {
  data: unknown;
  loading: boolean;
  error?: ErrorLike;
  refetch: () => Promise<unknown>;
  nodes: TNode[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
  fieldErrors: { from?: string; to?: string; apiKeyId?: string };
};
