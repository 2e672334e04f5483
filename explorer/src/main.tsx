// GraphiQL for developers, served by the server at /graphql when NODE_ENV is not production.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './explorer.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const http = new URL('/graphql', window.location.href);
const ws = new URL(http);
ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';

// Same origin, so the session cookie goes with every request and with the WebSocket upgrade: the
// explorer acts as the signed-in user. Requests are JSON, which the server's CSRF prevention accepts.
const fetcher = createGraphiQLFetcher({ url: http.href, wsClient: createClient({ url: ws.href, lazy: true }) });

const defaultQuery = `# Keyring's GraphQL API, as the signed-in user (sign in to the dashboard first).
# Tools use a full-access key instead: see "GraphQL for tools" in the README.
query Keys {
  apiKeys {
    name
    permission
    usageStatus
    lastUsedAt
    requestCount
  }
}
`;

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />
    </StrictMode>,
  );
}
