import { type DocumentNode, GraphQLError, type GraphQLSchema, getNamedType, getNullableType, isListType } from 'graphql';
import { type ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * The most a query may cost, counted by graphql-query-complexity before it runs: 1 per field,
 * and a list field's selection once per item it may return — `first` (or the default page of 50)
 * for connections, a field's own `complexity` where it knows better (apiKeys: its cap; usage: its
 * days), ASSUMED_LIST_SIZE for other lists. Five aliases of `apiKeys { usage(days: 366) }` over
 * 500 keys once ran 7 s and returned 15 MB; they now cost 2,750,005 and are refused unrun. The
 * dashboard's costliest query (the API keys page at 500 keys) costs about 7,000.
 */
export const MAX_QUERY_COST = 10_000;
/** What a `first` left out means (graphql/connection.ts checkFirst). */
export const DEFAULT_PAGE = 50;
/** Lists without paging (a team's domains, members) are counted as this many items. */
export const ASSUMED_LIST_SIZE = 10;

/** A list's selection once per item: `first` where the field takes it; ASSUMED_LIST_SIZE for other lists. */
const listEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  // Introspection is the schema's size, not the data's (and is off in production).
  if (type.name.startsWith('__') || getNamedType(field.type).name.startsWith('__')) return 1 + childComplexity;
  if (field.args.some((a) => a.name === 'first')) {
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE;
    return 1 + first * childComplexity;
  }
  // A connection's edges are counted by the field that returns the connection.
  if (isListType(getNullableType(field.type)) && childComplexity > 0 && !type.name.endsWith('Connection')) return 1 + ASSUMED_LIST_SIZE * childComplexity;
  return undefined;
};

const estimators = [fieldExtensionsEstimator(), listEstimator, simpleEstimator({ defaultComplexity: 1 })];

/**
 * Refuses an operation whose cost is over MAX_QUERY_COST before it runs, on both transports (the
 * HTTP plugin in app.ts, the WebSocket's onSubscribe). Variables that do not coerce are left to
 * execution, which refuses them with its own error.
 */
export function costError(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables?: Record<string, unknown> | null,
  operationName?: string | null,
): GraphQLError | null {
  let cost: number;
  try {
    cost = getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined, estimators });
  } catch {
    return null;
  }
  if (cost <= MAX_QUERY_COST) return null;
  return new GraphQLError(
    `Query is too costly: ${cost.toLocaleString('en-US')} exceeds the limit of ${MAX_QUERY_COST.toLocaleString('en-US')}. A list's selection counts once per item: ask for fewer (first, days) or fewer fields.`,
    { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost: MAX_QUERY_COST, http: { status: 400 } } },
  );
}

/** type-graphql `complexity` for a list capped at `max` items, `first` of them when given. */
export const cappedList =
  (max: number, countArg = 'first') =>
  ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }) => {
    const n = typeof args[countArg] === 'number' && (args[countArg] as number) > 0 ? Math.min(args[countArg] as number, max) : max;
    return 1 + n * childComplexity;
  };
