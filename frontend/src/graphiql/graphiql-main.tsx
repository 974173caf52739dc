import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GRAPHQL_ENDPOINT, subscriptionClient } from '../lib/graphql-client';

/**
 * GraphiQL, bundled into the jar by the SPA's build (no CDN: it works on an offline host), talking
 * to the manager as the dashboard does: HTTP with the browser session, and subscriptions over the
 * app's one `graphql-ws` client, whose handshake carries the session cookie.
 */
const fetcher = createGraphiQLFetcher({
  url: GRAPHQL_ENDPOINT,
  // the session cookie, and nothing else: no token is kept or typed in
  fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
  enableIncrementalDelivery: false,
  wsClient: subscriptionClient() as unknown as Parameters<typeof createGraphiQLFetcher>[0]['wsClient'],
});

const DEFAULT_QUERY = `# The Daeploy Manager's API. You are signed in through the dashboard's session:
# sign in at / first when authentication is on. Ctrl-Enter runs a query.

{
  me { name role }
  services { name version main state path servicePath }
}
`;

function Logo() {
  return (
    <a className="daeploy-graphiql__logo" href="/" title="Back to the dashboard">
      dae<b>ploy</b> GraphiQL
    </a>
  );
}

const root = document.getElementById('graphiql');
if (!root) {
  throw new Error('graphiql.html has no #graphiql element');
}

createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultTheme="dark">
      <GraphiQL.Logo>
        <Logo />
      </GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
