import { apiKeyRoutes } from '../modules/api-key/api-key.rest.js';
import { broadcastRoutes } from '../modules/broadcast/broadcast.rest.js';
import { contactRoutes } from '../modules/contact/contact.rest.js';
import { domainRoutes } from '../modules/domain/domain.rest.js';
import { emailRoutes } from '../modules/email/email.rest.js';
import { usageLogRoutes } from '../modules/usage-log/usage-log.rest.js';
import type { RestRoute } from './http.js';

// Every REST route, from each feature's <feature>.rest.ts.
export const restRoutes: RestRoute[] = [...emailRoutes, ...apiKeyRoutes, ...domainRoutes, ...contactRoutes, ...broadcastRoutes, ...usageLogRoutes];
