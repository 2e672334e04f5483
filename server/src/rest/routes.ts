import { emailRoutes } from '../modules/email/email.rest.js';
import type { RestRoute } from './http.js';

// Every REST route, from each feature's <feature>.rest.ts.
export const restRoutes: RestRoute[] = [
  ...emailRoutes,
];
