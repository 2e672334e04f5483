import type { ApolloClient } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Toaster } from '../ui/Toaster';
import { AppRoutes } from './routes';

/**
 * A data router, though the routes are declared in `AppRoutes`: only a data router can hold a
 * navigation back (`useBlocker`), which the one-time token's dialog needs to ask before browser
 * Back or a link takes the token away.
 */
let router: ReturnType<typeof createBrowserRouter> | undefined;
const appRouter = () => {
  router ??= createBrowserRouter([{ path: '*', element: <AppRoutes /> }]);
  return router;
};

export function App({ client }: { client: ApolloClient }) {
  return (
    <ApolloProvider client={client}>
      <RouterProvider router={appRouter()} />
      <Toaster />
    </ApolloProvider>
  );
}
