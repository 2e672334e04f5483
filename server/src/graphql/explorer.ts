import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import type { Logger } from '../logger.js';

/**
 * GraphiQL (the explorer/ package, built by Vite) for developers: a browser opening /graphql gets
 * the page, which runs operations as the signed-in user (same origin, session cookie, JSON so CSRF
 * prevention passes). Every file is served from here, so the app's Content-Security-Policy
 * ('self') needs no exception. Mounted only when NODE_ENV is not production, like introspection.
 */
export function explorer(dir: string, logger: Logger): Router | null {
  const page = path.join(dir, 'index.html');
  if (!fs.existsSync(page)) {
    logger.warn({ dir }, 'GraphQL explorer not built; run `pnpm build` to have it at /graphql');
    return null;
  }
  const router = express.Router({ caseSensitive: true });
  // File names carry content hashes.
  router.use('/graphql-explorer', express.static(dir, { index: false, immutable: true, maxAge: '1y' }), (_req, res) => {
    res.status(404).end();
  });
  router.get('/graphql', (req, res, next) => {
    // Only a browser opening the URL: GraphQL GET requests (?query=) and API clients go on to Apollo.
    if (req.query.query !== undefined || req.accepts(['application/json', 'text/html']) !== 'text/html') return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(page);
  });
  return router;
}
