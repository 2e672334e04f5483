import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { type ClassType, Field, ObjectType } from 'type-graphql';
import { badInput } from '../errors.js';
import { isStorableDate } from '../lib/date-range.js';
import { isUuid } from '../lib/ids.js';
import { beyond } from '../lib/sql.js';

@ObjectType({ description: 'Where a page of a connection ends, and whether another page follows it' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more items follow this page: ask again with `after: endCursor`' })
  hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: "The last item's cursor, to pass as `after` for the next page; null when the page is empty" })
  endCursor!: string | null;
}

/** The paging arguments of every connection query, described once. */
export const FIRST_ARG = { nullable: true, description: 'How many items to return: 1–100; 50 when omitted' } as const;
export const AFTER_ARG = {
  nullable: true,
  description: "Return the items after this cursor (the previous page's `pageInfo.endCursor`); from the newest when omitted",
} as const;

export type Edge<T> = { node: T; cursor: string };
export type Page<T> = { edges: Edge<T>[]; pageInfo: PageInfo };

/**
 * `XConnection { edges { node cursor } pageInfo { hasNextPage endCursor } }` for a node type;
 * `Extra`, a class with @Field()s, adds its fields to the connection.
 */
export function Connection<T extends object, E extends object = object>(Node: ClassType<T>, name: string, Extra?: ClassType<E>) {
  const Base = (Extra ?? class {}) as new () => object;
  // "UsageLog" reads "usage log" in the descriptions.
  const label = name.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();
  @ObjectType(`${name}Edge`, { description: `One ${label} of a page, with its cursor` })
  class EdgeType {
    @Field(() => Node, { description: `The ${label}` }) node!: T;
    @Field(() => String, { description: `Opaque position of this ${label}: pass it as \`after\` to continue after it` }) cursor!: string;
  }
  @ObjectType(`${name}Connection`, { description: `A page of ${label}s, newest first (keyset-paginated: items created meanwhile never shift a page)` })
  class ConnectionType extends Base {
    @Field(() => [EdgeType], { description: `The ${label}s of this page, newest first; empty past the last one` }) edges!: EdgeType[];
    @Field(() => PageInfo, { description: 'Whether another page follows, and the cursor to ask for it with' }) pageInfo!: PageInfo;
  }
  return ConnectionType as unknown as new () => ConnectionType & E;
}

type Listable = { id: string; createdAt: Date };
type EntityClass<T> = new (...args: never[]) => T;

/** A row's cursor: its place in (createdAt, id) order. */
export const encodeCursor = (row: Listable) => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');

/** A cursor back to its place (BAD_USER_INPUT `after` when it is not one). */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime()) || !isStorableDate(createdAt)) throw badInput('after', 'Invalid cursor.');
  return { createdAt, id };
}

export function checkFirst(first: number | null | undefined, max = 100, fallback = 50): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', `first must be between 1 and ${max}.`);
  return n;
}

/** Newest first, keyset-paginated by (createdAt, id): stable under inserts, no OFFSET scans. */
export async function paginate<T extends Listable>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  args: { first?: number | null; after?: string | null },
): Promise<Page<T>> {
  const first = checkFirst(args.first);
  let filter = where;
  if (args.after) {
    const c = decodeCursor(args.after);
    filter = { $and: [where, beyond(c, '$lt')] } as FilterQuery<T>;
  }
  const rows = await em.find(entity, filter, { orderBy: { createdAt: 'desc', id: 'desc' } as never, limit: first + 1 });
  const page = rows.slice(0, first);
  return {
    edges: page.map((node) => ({ node, cursor: encodeCursor(node) })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]) : null },
  };
}
