import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { type ClassType, Field, ObjectType } from 'type-graphql';
import { badInput } from '../errors.js';
import { isUuid } from '../lib/ids.js';
import { beyond } from '../lib/sql.js';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export type Edge<T> = { node: T; cursor: string };
export type Page<T> = { edges: Edge<T>[]; pageInfo: PageInfo };

/** `XConnection { edges { node cursor } pageInfo { hasNextPage endCursor } }` for a node type. */
export function Connection<T extends object>(Node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => Node) node!: T;
    @Field(() => String) cursor!: string;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }
  return ConnectionType;
}

type Listable = { id: string; createdAt: Date };
type EntityClass<T> = new (...args: never[]) => T;

const encode = (row: Listable) => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');

function decode(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) throw badInput('after', 'Invalid cursor.');
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
    const c = decode(args.after);
    filter = { $and: [where, beyond(c, '$lt')] } as FilterQuery<T>;
  }
  const rows = await em.find(entity, filter, { orderBy: { createdAt: 'desc', id: 'desc' } as never, limit: first + 1 });
  const page = rows.slice(0, first);
  return {
    edges: page.map((node) => ({ node, cursor: encode(node) })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encode(page[page.length - 1]) : null },
  };
}
