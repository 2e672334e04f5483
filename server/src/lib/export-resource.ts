import type { EntityManager } from '@mikro-orm/postgresql';
import { coerceInputValue, type GraphQLInputObjectType, getNamedType, isEnumType, isInputObjectType } from 'graphql';
import type pg from 'pg';
import { Arg, buildSchemaSync, Query, Resolver } from 'type-graphql';
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

/** A type-graphql input class: a list's filter as GraphQL takes it (`EmailFilter`, `UsageLogFilter`, …). */
export type InputClass<F> = new () => F;

/**
 * The GraphQL input type of a type-graphql input class, exactly as the API's schema spells it
 * (built once, on a schema of its own that holds only this class and what it names).
 */
function graphqlInputType(input: InputClass<object>): GraphQLInputObjectType {
  @Resolver()
  class FilterProbe {
    @Query(() => Boolean)
    probe(@Arg('filter', () => input, { nullable: true }) _filter: object): boolean {
      return true;
    }
  }
  const schema = buildSchemaSync({ resolvers: [FilterProbe], validate: false });
  const type = getNamedType(schema.getQueryType()!.getFields().probe.args[0].type);
  if (!isInputObjectType(type)) throw new Error(`${input.name} is not a GraphQL input type.`);
  return type;
}

const refused = (message: string, field: string) => new AppError(ErrorCode.BAD_USER_INPUT, message, { field });

/**
 * Reads a list's filter spelled as JSON — the deprecated `filters: JSON` of createExport, and an
 * export's stored filters — through the list's own GraphQL input type, as the typed field is read:
 * one type per resource, no second schema. Unknown filters and bad values are refused naming the
 * filter (`filters.<name>`) and, for an unknown one, the filters the resource has; the values
 * themselves are then checked by the list's builder, as for the list.
 */
export function jsonFilter<F extends object>(resource: string, input: InputClass<F>): (raw: unknown) => F {
  let type: GraphQLInputObjectType | undefined;
  return (raw) => {
    type ??= graphqlInputType(input);
    const value = raw ?? {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw refused('Filters must be an object of filter names and values, like { "from": "2026-01-01T00:00:00Z" }.', 'filters');
    }
    const fields = type.getFields();
    const named: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const field = fields[key];
      if (!field) throw refused(`Unknown filter "${key}" for ${resource}. Allowed: ${Object.keys(fields).join(', ')}.`, `filters.${key}`);
      // JSON holds an enum as the server stores it (`failed`, 4); GraphQL spells it by name (`FAILED`, `CLIENT_ERROR`).
      const fieldType = getNamedType(field.type);
      const byValue = isEnumType(fieldType) && !(typeof v === 'string' && fieldType.getValue(v)) ? fieldType.getValues().find((e) => e.value === v) : undefined;
      named[key] = byValue ? byValue.name : v;
    }
    return coerceInputValue(named, type, (path, _invalid, error) => {
      const key = path.map(String).join('.');
      throw refused(`Filter "${key}": ${error.message}`, `filters.${key}`);
    }) as F;
  };
}
