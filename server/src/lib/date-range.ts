import { badInput } from '../errors.js';

export type DateRange = { from?: Date | null; to?: Date | null };

/** A `createdAt` condition for a date range, both ends included; a reversed range is refused. */
export function dateRangeWhere(range: DateRange): { $gte?: Date; $lte?: Date } | undefined {
  const { from, to } = range;
  if (from && to && from > to) throw badInput('from', '`from` must be before `to`.');
  if (!from && !to) return undefined;
  return { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
}
