import { badInput } from '../errors.js';

export type DateRange = { from?: Date | null; to?: Date | null };

/**
 * Whether a date can be written to PostgreSQL as the ISO string it is sent as: years 1 to 9999.
 * ISO-8601 also has year 0 and signed six-digit years (`-000001-…`, `+275760-…`, which a JS Date
 * reaches), and PostgreSQL refuses both, so without this check they were 500s.
 */
export function isStorableDate(d: Date): boolean {
  const year = d.getUTCFullYear();
  return year >= 1 && year <= 9999;
}
export const UNSTORABLE_DATE_MESSAGE = 'must be a date between the years 1 and 9999.';

/**
 * A `createdAt` condition for a date range, both ends included; a reversed range is refused. Its
 * ends are storable dates: the edges check that (the DateTimeISO scalar, REST's queryDate).
 */
export function dateRangeWhere(range: DateRange): { $gte?: Date; $lte?: Date } | undefined {
  const { from, to } = range;
  if (from && to && from > to) throw badInput('from', '`from` must be before `to`.');
  if (!from && !to) return undefined;
  return { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
}
