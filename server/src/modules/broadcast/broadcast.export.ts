import { raw } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { SEARCH_MAX } from '../../lib/sql.js';
import { cell, copySql, iso, jsonDateRange, jsonFilter, type ResourceExport } from '../../lib/export-resource.js';
import { Broadcast, BroadcastStatus } from './broadcast.entity.js';
import { type BroadcastFilter, broadcastWhere } from './broadcast.service.js';

/** BROADCASTS: the Broadcasts page's list (broadcastWhere). */
export const broadcastExport: ResourceExport<BroadcastFilter> = {
  json: jsonFilter('BROADCASTS', {
    ...jsonDateRange,
    status: z.enum(BroadcastStatus).optional(),
    broadcastStatus: z.enum(BroadcastStatus).optional(),
    search: z.string().max(SEARCH_MAX).optional(),
  }),
  query: (em, teamId, f) =>
    copySql(
      em
        .createQueryBuilder(Broadcast, 'b')
        .select([
          raw(`b.id, ${cell('b.name')} as name, ${cell('b."from"')} as "from", ${cell('b.subject')} as subject, b.status,
               ${iso('b.created_at')} as created_at`),
        ])
        .where(broadcastWhere(teamId, f))
        .orderBy({ createdAt: 'desc', id: 'desc' }),
    ),
};
