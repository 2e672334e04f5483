import { escapeLiteral } from 'pg';
import { cell, iso, jsonFilter, type ResourceExport } from '../../lib/export-resource.js';
import { UsageLogFilter } from './usage-log.filter.js';
import { listLogPartitions } from './usage-log.partitions.js';
import { type Bind, ERROR_MESSAGE_SQL, ERROR_NAME_SQL, logConditions } from './usage-log.query.js';

/** Values as quoted literals: COPY takes no bind parameters. */
const literal: Bind = (v, type) => `${escapeLiteral(String(v))}::${type}`;

/** A LOGS export's SELECT, of the whole range or only of [slice.from, slice.to): the Logs page's conditions (logConditions). */
export function logsExportQuery(teamId: string, f: UsageLogFilter, slice: { from?: Date; to?: Date } = {}): string {
  const { conditions } = logConditions(teamId, f, literal);
  if (slice.from) conditions.push(`created_at >= ${literal(slice.from.toISOString(), 'timestamptz')}`);
  if (slice.to) conditions.push(`created_at < ${literal(slice.to.toISOString(), 'timestamptz')}`);
  return `select id, ${iso('created_at')} as created_at, method, ${cell('endpoint')} as endpoint, status_code as response_status,
                 ${cell('user_agent')} as user_agent, duration_ms, api_key_id, ${cell('api_key_name')} as api_key_name,
                 ${cell(ERROR_NAME_SQL)} as error_name, ${cell(ERROR_MESSAGE_SQL)} as error_message
            from usage_log
           where ${conditions.join(' and ')}
           order by usage_log.created_at desc, usage_log.id desc`;
}

/** LOGS: the Logs page's filters, read a day partition at a time. */
export const usageLogExport: ResourceExport<UsageLogFilter> = {
  json: jsonFilter('LOGS', UsageLogFilter),
  query: (_em, teamId, f) => logsExportQuery(teamId, f),
  /**
   * Newest first, a day partition at a time (and what the default partition holds beyond them):
   * each statement sorts one day at most, and holds its locks only while it runs, so that
   * retention can drop a day in between instead of waiting for the whole export.
   */
  slices: async (db, _em, teamId, f) => {
    const bounds = new Set<number>();
    for (const p of await listLogPartitions(db)) bounds.add(p.from.getTime()).add(p.to.getTime());
    const from = f.from ? f.from.getTime() : -Infinity;
    const to = f.to ? f.to.getTime() : Infinity;
    // Newest first: [last bound, ∞), the days between bounds (a missing day included), (-∞, first bound).
    const edges = [Infinity, ...[...bounds].sort((a, b) => b - a), -Infinity];
    const slices: string[] = [];
    for (let i = 0; i < edges.length - 1; i++) {
      const [hi, lo] = [edges[i], edges[i + 1]];
      if (hi <= from || lo > to) continue;
      slices.push(logsExportQuery(teamId, f, { from: Number.isFinite(lo) ? new Date(lo) : undefined, to: Number.isFinite(hi) ? new Date(hi) : undefined }));
    }
    return slices;
  },
};
