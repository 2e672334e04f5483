import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { AppError, badInput, ErrorCode } from '../../errors.js';
import type { ResourceExport } from '../../lib/export-resource.js';
import { apiKeyExport } from '../api-key/api-key.export.js';
import { broadcastExport } from '../broadcast/broadcast.export.js';
import { contactExport } from '../contact/contact.export.js';
import { domainExport } from '../domain/domain.export.js';
import { emailExport } from '../email/email.export.js';
import { usageLogExport } from '../usage-log/usage-log.export.js';
import { ExportResource } from './export.entity.js';

/** An export's filters as stored (and audited): the list's filter as JSON, without empty values. */
export type StoredFilters = Record<string, string | number | boolean>;

/** One resource's export with its filter type closed over: what the machinery runs. */
type Runner = {
  /** Validates a filter, typed or as JSON, as its list would; answers it as stored, and its SELECT. */
  prepare: (em: EntityManager, teamId: string, filter: { typed?: object; json?: unknown }) => Promise<{ stored: StoredFilters; query: string }>;
  /** The SELECTs of a stored export, one after the other. */
  queries: (db: pg.Pool | pg.ClientBase, em: EntityManager, teamId: string, stored: unknown) => Promise<string[]>;
};

/** A list builder's error names the list's filter (`from`); an export's names it under `filters.`. */
async function asExportFilterError<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof AppError && e.code === ErrorCode.BAD_USER_INPUT && e.field && !e.field.startsWith('filters')) {
      throw new AppError(e.code, e.message, { field: `filters.${e.field}`, restName: e.restName });
    }
    throw e;
  }
}

const stored = (filter: object): StoredFilters => JSON.parse(JSON.stringify(filter, (_key, value) => (value === null ? undefined : value)));

function runner<F extends object>(resource: ResourceExport<F>): Runner {
  return {
    async prepare(em, teamId, { typed, json }) {
      const filter = (typed as F | undefined) ?? resource.json(json);
      const query = await asExportFilterError(async () => {
        await resource.check?.(em, teamId, filter);
        return resource.query(em, teamId, filter);
      });
      return { stored: stored(filter), query };
    },
    async queries(db, em, teamId, saved) {
      const filter = resource.json(saved);
      return resource.slices ? resource.slices(db, em, teamId, filter) : [resource.query(em, teamId, filter)];
    },
  };
}

/** Each resource's export, declared by its feature beside the list it exports. */
const RUNNERS: Record<ExportResource, Runner> = {
  [ExportResource.EMAILS]: runner(emailExport),
  [ExportResource.BROADCASTS]: runner(broadcastExport),
  [ExportResource.CONTACTS]: runner(contactExport),
  [ExportResource.DOMAINS]: runner(domainExport),
  [ExportResource.LOGS]: runner(usageLogExport),
  [ExportResource.API_KEYS]: runner(apiKeyExport),
};

/** The typed filter field of CreateExportInput for each resource. */
export const FILTER_FIELDS = {
  [ExportResource.EMAILS]: 'emails',
  [ExportResource.BROADCASTS]: 'broadcasts',
  [ExportResource.CONTACTS]: 'contacts',
  [ExportResource.DOMAINS]: 'domains',
  [ExportResource.LOGS]: 'logs',
  [ExportResource.API_KEYS]: 'apiKeys',
} as const satisfies Record<ExportResource, string>;

export type ExportFilterInput = { resource: ExportResource; filters?: unknown } & { [K in (typeof FILTER_FIELDS)[ExportResource]]?: object | null };

/** Validates what createExport was given: the resource, and its filter either typed or (deprecated) as JSON. */
export function prepareExport(em: EntityManager, teamId: string, input: ExportFilterInput) {
  const runner = RUNNERS[input.resource];
  if (!runner) throw badInput('resource', 'Unknown resource.');
  const own = FILTER_FIELDS[input.resource];
  for (const field of Object.values(FILTER_FIELDS)) {
    if (field !== own && input[field]) throw badInput(field, `\`${field}\` filters another resource: an export of ${input.resource} takes \`${own}\`.`);
  }
  const typed = input[own] ?? undefined;
  if (typed && input.filters !== undefined && input.filters !== null) throw badInput('filters', `Give \`${own}\` or \`filters\`, not both.`);
  return runner.prepare(em, teamId, { typed, json: input.filters });
}

/** The SELECTs whose rows, one after the other, become the CSV of a stored export. */
export const exportQueries = (db: pg.Pool | pg.ClientBase, em: EntityManager, resource: ExportResource, teamId: string, saved: unknown) =>
  RUNNERS[resource].queries(db, em, teamId, saved);
