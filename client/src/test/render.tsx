import type { ApolloLink, InMemoryCache } from '@apollo/client';
import type { MockLink } from '@apollo/client/testing';
import { MockedProvider } from '@apollo/client/testing/react';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createContext, type ReactElement, type ReactNode, useContext, useState } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { createCache } from '../app/apollo';
import { SessionProvider, type SessionUser, type Thresholds } from '../app/session';
import { Toaster } from '../ui/Toaster';

export const adminUser: SessionUser = {
  id: 'u-1',
  email: 'ada@example.com',
  role: 'ADMIN',
  team: { id: 't-1', name: 'Analytical Engines' },
};

/** The server's thresholds, as `thresholds` answers them. */
export const thresholds: Thresholds = { inactiveAfterDays: 30, expiringSoonDays: 7, exportDownloadDays: 7, exportInlineMaxRows: 1000 };

export const memberUser: SessionUser = { ...adminUser, id: 'u-2', email: 'bob@example.com', role: 'MEMBER' };

type Options = {
  mocks?: readonly MockLink.MockedResponse[];
  route?: string;
  /** Renders inside a signed-in session as this user. */
  user?: SessionUser;
  /** Instead of `mocks`, e.g. to add a MockSubscriptionLink. */
  link?: ApolloLink;
  /** A cache the test can inspect afterwards. */
  cache?: InMemoryCache;
};

export function renderWithProviders(ui: ReactElement, { mocks = [], route = '/', user, link, cache = createCache() }: Options = {}) {
  const events = userEvent.setup();
  const result = render(
    // MockedProvider renders a single child only.
    <MockedProvider mocks={mocks} link={link} cache={cache}>
      <MemoryDataRouter route={route}>
        {user ? (
          <SessionProvider user={user} thresholds={thresholds}>
            {ui}
          </SessionProvider>
        ) : (
          ui
        )}
        <Toaster />
      </MemoryDataRouter>
    </MockedProvider>,
  );
  return { user: events, ...result };
}

/**
 * A data router in memory, as the app's is in the browser (`useBlocker` needs one): one route
 * matching every path renders the test's tree, which may hold its own `<Routes>`.
 */
function MemoryDataRouter({ route, children }: { route: string; children: ReactNode }) {
  const [router] = useState(() => createMemoryRouter([{ path: '*', element: <Slot /> }], { initialEntries: [route] }));
  return (
    <SlotContext.Provider value={children}>
      <RouterProvider router={router} />
    </SlotContext.Provider>
  );
}

const SlotContext = createContext<ReactNode>(null);
const Slot = () => <>{useContext(SlotContext)}</>;

/** A GraphQL error as the server formats it. */
export const gqlError = (message: string, code: string, field?: string) => ({
  message,
  extensions: { code, ...(field ? { field } : {}) },
});
