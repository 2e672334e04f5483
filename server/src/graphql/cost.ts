import {
  defaultFieldResolver,
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isObjectType,
  Kind,
  typeFromAST,
} from 'graphql';
import { type ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * The most a query may cost, counted by graphql-query-complexity before it runs: 1 per field,
 * and a list field's selection once per item it may return — `first` (or the default page of 50)
 * for connections, a field's own `complexity` where it knows better (apiKeys: its cap; usage: its
 * days; a domain's records: 3), ASSUMED_LIST_SIZE for other lists, each counted again at its real
 * size once it has resolved (countListsAsResolved). Five aliases of `apiKeys { usage(days: 366) }` over
 * 500 keys once ran 7 s and returned 15 MB; they now cost 2,750,005 and are refused unrun. The
 * dashboard's costliest query (the API keys page at 500 keys) costs about 7,000.
 */
export const MAX_QUERY_COST = 10_000;
/** What a `first` left out means (graphql/connection.ts checkFirst). */
export const DEFAULT_PAGE = 50;
/** Lists without paging (a team's domains, members) are counted as this many items before they run. */
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
  return cost <= MAX_QUERY_COST ? null : tooCostly(cost);
}

const tooCostly = (cost: number) =>
  new GraphQLError(
    `Query is too costly: ${cost.toLocaleString('en-US')} exceeds the limit of ${MAX_QUERY_COST.toLocaleString('en-US')}. A list's selection counts once per item: ask for fewer (first, days) or fewer fields.`,
    { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost: MAX_QUERY_COST, http: { status: 400 } } },
  );

/** The real sizes of the lists a request has resolved so far (see checkListCost), by the field that asked. */
const resolvedSizes = new WeakMap<object, Map<FieldNode, number>>();

/** Whether the count before running takes a field's list at ASSUMED_LIST_SIZE (see listEstimator). */
const countedAsAssumed = (type: GraphQLObjectType, field: GraphQLField<unknown, unknown>) =>
  !type.name.startsWith('__') &&
  !type.name.endsWith('Connection') &&
  isListType(getNullableType(field.type)) &&
  isCompositeType(getNamedType(field.type)) &&
  !field.args.some((a) => a.name === 'first') &&
  field.extensions.complexity === undefined;

/**
 * Every list counted at ASSUMED_LIST_SIZE before running (a team's domains, up to 1,000; its
 * members; a user's sessions) is counted again at its real size once it has resolved
 * (checkListCost). Counted at 10, 13 aliases of `domains { records }` over 1,000 domains passed
 * and answered megabytes; counted at 1,000 up front, one `domains { records }` was refused to a
 * team with two domains. Only these fields' resolvers are wrapped: the others cost nothing more.
 */
export function countListsAsResolved(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (!countedAsAssumed(type, field)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = async (source, args, context, info) => {
        const list: unknown = await resolve(source, args, context, info);
        if (Array.isArray(list)) checkListCost(context as object, info, list.length);
        return list;
      };
    }
  }
}

/**
 * The cost check again once a list counted at ASSUMED_LIST_SIZE has its real size: the operation
 * recounted with every such list resolved so far at its size, and refused past MAX_QUERY_COST.
 * Root lists are non-null, so the whole answer is then this error: no data is sent.
 */
function checkListCost(ctx: object, info: GraphQLResolveInfo, size: number): void {
  const sizes = resolvedSizes.get(ctx) ?? new Map<FieldNode, number>();
  resolvedSizes.set(ctx, sizes);
  // No more than counted already (ASSUMED_LIST_SIZE, or a larger size found before): nothing to
  // count again — a field asked once per item of an outer list (each key's creator's teams) is
  // counted by its largest list, not once per item.
  if (info.fieldNodes.every((node) => size <= (sizes.get(node) ?? ASSUMED_LIST_SIZE))) return;
  for (const node of info.fieldNodes) sizes.set(node, Math.max(size, sizes.get(node) ?? 0));
  const sized: ComplexityEstimator = ({ node, childComplexity }) => {
    const n = sizes.get(node);
    return n === undefined ? undefined : 1 + n * childComplexity;
  };
  const cost = getComplexity({
    schema: info.schema,
    query: { kind: Kind.DOCUMENT, definitions: [info.operation, ...Object.values(info.fragments)] },
    variables: inputsOf(info),
    estimators: [sized, ...estimators],
  });
  if (cost > MAX_QUERY_COST) throw tooCostly(cost);
}

/**
 * The request's variables as a client sends them, from the values they were coerced to (an enum's
 * name for its value, a date's text for the Date), which getComplexity coerces again.
 */
function inputsOf(info: GraphQLResolveInfo): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const definition of info.operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(info.schema, definition.type) as GraphQLInputType | undefined;
    if (name in info.variableValues && type) inputs[name] = asSent(info.variableValues[name], type);
  }
  return inputs;
}

function asSent(value: unknown, type: GraphQLInputType): unknown {
  if (value === null || value === undefined) return value;
  const t = getNullableType(type);
  if (isListType(t)) return Array.isArray(value) ? value.map((v) => asSent(v, t.ofType)) : asSent(value, t.ofType);
  if (isInputObjectType(t)) {
    const fields = t.getFields();
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fields[k] ? asSent(v, fields[k].type) : v]));
  }
  // An enum's value to its name, a Date to its text; a JSON value, a string or a number as it is.
  return t.serialize(value);
}

/** type-graphql `complexity` for a list capped at `max` items, `first` of them when given. */
export const cappedList =
  (max: number, countArg = 'first') =>
  ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }) => {
    const n = typeof args[countArg] === 'number' && (args[countArg] as number) > 0 ? Math.min(args[countArg] as number, max) : max;
    return 1 + n * childComplexity;
  };
