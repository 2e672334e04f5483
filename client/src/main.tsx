import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createApolloClient } from './app/apollo';
import './app/styles.css';
// Every page's styles load with the app, not with the page's code: their classes are shared (a
// notice, a back link, a code block), and a page opened directly once showed them unstyled.
import './features/api-keys/api-keys.css';
import './features/audit/audit.css';
import './features/domains/domains.css';
import './features/emails/emails.css';
import './features/logs/logs.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <App client={createApolloClient()} />
  </StrictMode>,
);
