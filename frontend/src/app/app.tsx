import { useEffect } from 'react';
import { ErrorMessage } from '../components/error-message';
import { AccountPage } from '../features/account/account-page';
import { SignInPage } from '../features/auth/sign-in-page';
import { SignOutButton } from '../features/auth/sign-out-button';
import { ServicesList } from '../features/services/services-list';
import { TokensPage } from '../features/tokens/tokens-page';
import { UsersPage } from '../features/users/users-page';
import { ManagerDocument, SessionDocument, type ManagerQuery, type SessionQuery } from '../gql/graphql';
import { errorWithCode } from '../lib/graphql-client';
import { clearSessionEnd, endSession, useSession } from '../lib/session';
import { useQuery } from '../lib/use-query';
import { AppHeader } from './app-header';
import { AppNav } from './app-nav';
import { routeHref, useRoute, type Route } from './use-route';

type Viewer = NonNullable<SessionQuery['me']>;

const ROLE_LABELS: Record<Viewer['role'], string> = { ADMIN: 'Admin', USER: 'User', SERVICE: 'Service' };

/**
 * Asks the manager (publicly) whether it enforces authentication, then shows the sign-in page or the
 * workspace. The workspace is rebuilt whenever the session token changes, so every query runs again
 * with the new token.
 */
export function App() {
  const manager = useQuery(ManagerDocument, undefined, { anonymous: true });
  const session = useSession();
  const [route, navigate] = useRoute();
  const info = manager.data?.manager;

  if (!info) {
    return (
      <div className="app">
        <AppHeader runtime={manager.error ? { error: manager.error } : {}} />
        <main className="app__main">
          {manager.error ? (
            <>
              <ErrorMessage title="Could not reach the manager" error={manager.error} />
              <button type="button" className="button" onClick={manager.refetch}>
                Try again
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

  // With authentication off, signing in is optional: only for user administration, or after a
  // session the user had was ended by the manager.
  const signingIn = !session.token && (info.authEnabled || route === 'sign-in' || session.ended !== null);
  if (signingIn) {
    return (
      <div className="app">
        <AppHeader version={info.version} />
        <main className="app__main">
          <SignInPage
            ended={session.ended}
            onCancel={
              info.authEnabled
                ? undefined
                : () => {
                    clearSessionEnd();
                    navigate('services');
                  }
            }
            onSignedIn={() => {
              if (route === 'sign-in') {
                navigate('services');
              }
            }}
          />
        </main>
      </div>
    );
  }

  return (
    <Workspace
      key={session.token ?? 'anonymous'}
      manager={info}
      signedIn={session.token !== null}
      route={route}
      onUnauthenticated={() => {
        if (session.token) {
          endSession('expired', session.token);
        } else {
          manager.refetch();
        }
      }}
    />
  );
}

interface WorkspaceProps {
  manager: ManagerQuery['manager'];
  /** Whether a session token is held; false only when authentication is off and nobody signed in. */
  signedIn: boolean;
  route: Route;
  /** Called when the manager wants a token this workspace does not have. */
  onUnauthenticated: () => void;
}

/** The header with runtime status and account, the section links, and the current page. */
function Workspace({ manager, signedIn, route, onUnauthenticated }: WorkspaceProps) {
  const session = useQuery(SessionDocument);
  const me = session.data?.me ?? null;
  const unauthenticated = errorWithCode(session.error, 'UNAUTHENTICATED') !== undefined;

  useEffect(() => {
    if (unauthenticated) {
      onUnauthenticated();
    }
    // Only a new answer matters, not a new callback.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [unauthenticated]);

  const routes: Route[] = ['services'];
  if (signedIn) {
    routes.push('tokens');
  }
  if (me?.role === 'ADMIN') {
    routes.push('users');
  }
  if (signedIn) {
    routes.push('account');
  }
  const page = routes.includes(route) ? route : 'services';
  // The Users page depends on the role: wait for it rather than show Services for a moment.
  const waitingForRole = route === 'users' && page !== 'users' && !session.data && !session.error;

  return (
    <div className="app">
      <AppHeader version={manager.version} runtime={{ data: session.data?.runtime, error: session.error }}>
        {signedIn ? (
          <>
            {me && <ViewerBadge viewer={me} />}
            <SignOutButton />
          </>
        ) : (
          <a className="button" href={routeHref('sign-in')}>
            Sign in
          </a>
        )}
      </AppHeader>
      {routes.length > 1 && <AppNav routes={routes} current={page} />}
      <main className="app__main">
        {waitingForRole ? (
          <p className="panel__note" role="status">
            Loading…
          </p>
        ) : (
          <Page page={page} viewer={me} />
        )}
      </main>
    </div>
  );
}

function Page({ page, viewer }: { page: Route; viewer: Viewer | null }) {
  switch (page) {
    case 'tokens':
      return <TokensPage />;
    case 'users':
      return <UsersPage currentUser={viewer?.name} />;
    case 'account':
      return <AccountPage userName={viewer?.name} />;
    default:
      return <ServicesList />;
  }
}

function ViewerBadge({ viewer }: { viewer: Viewer }) {
  return (
    <span className="app-header__viewer">
      <span className="visually-hidden">Signed in as </span>
      <span className="app-header__viewer-name">{viewer.name}</span>
      <span className="app-header__role">{ROLE_LABELS[viewer.role] ?? viewer.role}</span>
    </span>
  );
}
