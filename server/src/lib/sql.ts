import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { badInput } from '../errors.js';

/** The longest `search` a list filter takes. */
export const SEARCH_MAX = 100;

/** Escapes LIKE's wildcards so that user input matches literally. */
export const escapeLike = (v: string): string => v.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A list's `search` as an ILIKE pattern matching it anywhere, literally; undefined when blank. */
export function searchPattern(search: string | null | undefined): string | undefined {
  const trimmed = search?.trim();
  if (!trimmed) return undefined;
  if (trimmed.length > SEARCH_MAX) throw badInput('search', `Search must be at most ${SEARCH_MAX} characters.`);
  return `%${escapeLike(trimmed)}%`;
}

type Keyed = { createdAt: Date; id: string };

/**
 * Rows strictly before ('$lt') or after ('$gt') a position in (createdAt, id) order: the keyset
 * condition behind every cursor, GraphQL and REST alike. The plain bound on createdAt, implied by
 * the $or, is what PostgreSQL can seek an index with: without it a page deep in a list read (and
 * filtered out) every newer row of the team first — 8.5 s at 390,000 emails down, 10 ms with it.
 */
export const beyond = (position: Keyed, op: '$lt' | '$gt') => ({
  createdAt: { [op === '$lt' ? '$lte' : '$gte']: position.createdAt },
  $or: [{ createdAt: { [op]: position.createdAt } }, { createdAt: position.createdAt, id: { [op]: position.id } }],
});

/**
 * Deletes the row `where` finds, in one statement, and says whether there was one. The statement
 * decides, not a read before it: of deletes of one row made at once, one removes it and the others
 * find nothing (their 404), where a read and then the ORM's remove answered every one of them 200.
 */
export const deleteRow = async <T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>): Promise<boolean> =>
  (await em.nativeDelete(entity, where)) > 0;
