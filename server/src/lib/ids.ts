import { badInput } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is simply not found, and never reaches PostgreSQL as a cast error. */
export const isUuid = (id: string): boolean => UUID.test(id);

/**
 * An id a list filters by (`apiKeyId`): refused when it is not a UUID — a typo, not a question —
 * naming the filter; a well-formed id the team does not have is no error and matches nothing (an
 * empty one is no filter). The
 * one check behind the GraphQL lists, the REST lists (as `api_key_id`) and the exports.
 */
export function checkFilterId(field: string, id: string | null | undefined): void {
  if (id && !isUuid(id)) throw badInput(field, `\`${field}\` must be a valid UUID.`);
}
