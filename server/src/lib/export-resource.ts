import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors.js';

/**
 * What the export machinery (modules/export) needs of a resource; each feature declares it in its own
 * `<feature>.export.ts`, beside the filter builder that serves its list.
 */
export type ResourceExport<F> = {
  /** Reads the list's filter from the old `filters: JSON` (and from a stored export): see jsonFilter. */
  json: (raw: unknown) => F;
  /** Checks that need the database, beyond what the list's builder checks. */
  check?: (em: EntityManager, teamId: string, filter: F) => Promise<void>;
  /** The SELECT whose rows become the CSV, newest first (its values inlined: COPY takes no parameters). */
  query: (em: EntityManager, teamId: string, filter: F) => string;
  /** When one SELECT is too long to run at once: the SELECTs whose rows, one after the other, make the CSV. */
  slices?: (db: pg.Pool | pg.ClientBase, em: EntityManager, teamId: string, filter: F) => Promise<string[]>;
};

/** A cell of text as spreadsheets should read it (no formula injection), SQL side. */
export const cell = (expr: string) => `keyring_csv_cell(${expr})`;
/** A timestamp as ISO-8601 text. */
export const iso = (expr: string) => `keyring_iso(${expr})`;
/** A JSON array of text as one cell: "a, b". */
export const list = (expr: string) => cell(`(select string_agg(x, ', ') from jsonb_array_elements_text(${expr}) as x)`);

/**
 * A list's query as SQL text for COPY, values inlined as escaped literals by the ORM.
 * ORDER BY must name the table's columns (`e.created_at`), never a bare output name, which would
 * mean the ISO text column of the CSV: no index serves that (a sort of every row instead of a scan).
 */
export const copySql = (qb: { getFormattedQuery(): string }): string => qb.getFormattedQuery();

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time, like 2026-01-31T00:00:00Z' }).transform((v) => new Date(v));
/** `from` and `to` as JSON holds them: ISO-8601 text, read as dates. */
export const jsonDateRange = { from: isoDate.optional(), to: isoDate.optional() };

/**
 * A reader of a filter spelled as JSON: unknown filters and bad values are refused, naming the
 * filter (`filters.<name>`) and, for an unknown one, the filters the resource has.
 */
export function jsonFilter<S extends z.ZodRawShape>(resource: string, shape: S): (raw: unknown) => z.output<z.ZodObject<S>> {
  const schema = z.strictObject(shape);
  return (raw) => {
    const parsed = schema.safeParse(raw ?? {});
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    if (issue.path.length === 0 && issue.code !== 'unrecognized_keys') {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'Filters must be an object of filter names and values, like { "from": "2026-01-01T00:00:00Z" }.', {
        field: 'filters',
      });
    }
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.map(String).join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `Unknown filter "${key}" for ${resource}. Allowed: ${Object.keys(shape).join(', ')}.`
        : `Filter "${key}" ${issue.message}`;
    throw new AppError(ErrorCode.BAD_USER_INPUT, message, { field: `filters.${key}` });
  };
}
