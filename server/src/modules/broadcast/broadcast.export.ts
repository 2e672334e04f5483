import { raw } from '@mikro-orm/postgresql';
import { cell, copySql, iso, jsonFilter, type ResourceExport } from '../../lib/export-resource.js';
import { Broadcast } from './broadcast.entity.js';
import { BroadcastFilter } from './broadcast.filter.js';
import { broadcastWhere } from './broadcast.service.js';

/** BROADCASTS: the Broadcasts page's list (broadcastWhere). */
export const broadcastExport: ResourceExport<BroadcastFilter> = {
  json: jsonFilter('BROADCASTS', BroadcastFilter),
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
