import { param, type RestRoute } from '../../rest/http.js';
import { findPage, listBody, listParams } from '../../rest/pagination.js';
import { UsageLog } from './usage-log.entity.js';
import { getUsageLog, usageLogWhere } from './usage-log.service.js';

const logJson = (log: UsageLog) => ({
  id: log.id,
  created_at: log.createdAt.toISOString(),
  endpoint: log.endpoint,
  method: log.method,
  response_status: log.statusCode,
  user_agent: log.userAgent ?? null,
  api_key_id: log.apiKeyId ?? null,
});

export const usageLogRoutes: RestRoute[] = [
  {
    method: 'get',
    path: '/logs',
    access: 'full',
    async handle(req, ctx) {
      const params = listParams(req);
      const rows = await findPage(ctx.em, UsageLog, usageLogWhere(ctx.key.teamId), params);
      return { body: listBody(rows, params.limit, logJson) };
    },
  },
  {
    method: 'get',
    path: '/logs/:id',
    access: 'full',
    async handle(req, ctx) {
      const log = await getUsageLog(ctx.em, ctx.key.teamId, param(req, 'id'));
      return {
        body: {
          object: 'log',
          ...logJson(log),
          duration_ms: log.durationMs,
          request_body: log.requestBody ?? null,
          response_body: log.responseBody ?? null,
        },
      };
    },
  },
];
