import { useCallback, useEffect, useState } from 'react';
import { Router, useLocation, useSearch } from 'wouter';
import { ErrorMessage } from '../components/error-message';
import { Toaster } from '../components/toaster';
import { SignInPage } from '../features/auth/sign-in-page';
import { ManagerDocument, ViewerDocument } from '../gql/graphql';
import { isUnreachable, onSessionEnded } from '../lib/graphql-client';
import { ManagerInfoProvider, type ManagerInfo } from '../lib/manager-info';
import { safeDestination } from '../lib/session';
import { useQuery } from '../lib/use-query';
import { AppHeader } from './app-header';
import { Workspace } from './workspace';

/** The app: the router, toasts, and the manager's facts every page uses. */
export function App() {
  return (
    <Router>
      <Toaster>
        <Shell />
      </Toaster>
    </Router>
  );
}

/**
 * Asks the manager (publicly) for its version, whether it wants a sign-in, and where services are
 * reached; keeps asking every few seconds while it does not answer.
 */
function Shell() {
  const manager = useQuery(ManagerDocument, undefined);
  const { refetch } = manager;
  const failing = manager.error !== undefined && !manager.data;

  useEffect(() => {
    if (!failing) {
      return;
    }
    const timer = window.setInterval(refetch, 5000);
    return () => window.clearInterval(timer);
  }, [failing, refetch]);

  const info = manager.data?.manager;
  if (!info) {
    return (
      <div className="app">
        <AppHeader reachable={!failing} />
        <main className="app__main" id="main">
          {failing && manager.error ? (
            <>
              <ErrorMessage
                title={
                  isUnreachable(manager.error)
                    ? 'The manager does not answer. Trying again every few seconds…'
                    : 'The manager answered with an error'
                }
                error={manager.error}
              />
              <button type="button" className="button" onClick={refetch}>
                Try again now
              </button>
            </>
          ) : (
            <p className="panel__note" role="status">
              Connecting to the manager…
            </p>
          )}
        </main>
      </div>
    );
  }

  const managerInfo: ManagerInfo = {
    version: info.version,
    authEnabled: info.authEnabled,
    servicesPort: info.proxy.httpPort,
  };
  return (
    <ManagerInfoProvider value={managerInfo}>
      <Session info={managerInfo} />
    </ManagerInfoProvider>
  );
}

/** Who is signed in (the manager says, from the cookie), and the sign-in page or the workspace. */
function Session({ info }: { info: ManagerInfo }) {
  const viewer = useQuery(ViewerDocument);
  const { refetch } = viewer;
  const [ended, setEnded] = useState(false);
  const [location, navigate] = useLocation();
  const search = useSearch();
  const me = viewer.data?.me ?? null;
  const signedIn = me !== null && me.tokenKind !== null && me.tokenKind !== undefined;

  useEffect(
    () =>
      onSessionEnded(() => {
        setEnded(true);
        refetch();
      }),
    [refetch],
  );

  const onSignInPage = location === '/auth/login';
  const destination = onSignInPage
    ? safeDestination(new URLSearchParams(search).get('destination'), info.servicesPort)
    : null;

  const afterSignIn = useCallback(() => {
    setEnded(false);
    if (onSignInPage) {
      // a fresh page for the place the user was going to (a service's URL is another origin)
      window.location.replace(destination ?? '/');
    } else {
      refetch();
    }
  }, [onSignInPage, destination, refetch]);

  // signed in already: the sign-in page has nothing to do
  useEffect(() => {
    if (onSignInPage && signedIn && !ended) {
      if (destination && !destination.startsWith('/')) {
        window.location.replace(destination);
      } else {
        navigate(destination ?? '/', { replace: true });
      }
    }
  }, [onSignInPage, signedIn, ended, destination, navigate]);

  if (!viewer.data) {
    return (
      <div className="app">
        <AppHeader version={info.version} reachable={!viewer.error || !isUnreachable(viewer.error)} />
        <main className="app__main" id="main">
          {viewer.error ? (
            <ErrorMessage title="Could not ask the manager who you are" error={viewer.error} />
          ) : (
            <p className="panel__note" role="status">
              Loading…
            </p>
          )}
        </main>
      </div>
    );
  }

  const mustSignIn = (info.authEnabled && !signedIn) || (onSignInPage && !signedIn);
  if (mustSignIn || (ended && !signedIn)) {
    return (
      <div className="app">
        <AppHeader version={info.version} />
        <main className="app__main" id="main">
          <SignInPage
            ended={ended}
            destination={destination && !destination.startsWith('/') ? destination : null}
            onCancel={
              info.authEnabled
                ? undefined
                : () => {
                    setEnded(false);
                    navigate('/');
                  }
            }
            onSignedIn={afterSignIn}
          />
        </main>
      </div>
    );
  }

  return (
    <Workspace
      key={signedIn ? `user:${me?.name}` : 'anonymous'}
      viewer={signedIn ? me : null}
      onSignedOut={() => {
        setEnded(false);
        refetch();
        navigate('/');
      }}
    />
  );
}
