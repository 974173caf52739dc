import type { ReactNode } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { ErrorBoundary } from '../components/error-boundary';
import { ErrorMessage } from '../components/error-message';
import { AccountPage } from '../features/account/account-page';
import { AuditLogPage } from '../features/audit/audit-log-page';
import { DeployPage } from '../features/deployments/deploy-page';
import { DeploymentPage } from '../features/deployments/deployment-page';
import { DeploymentsPage } from '../features/deployments/deployments-page';
import { ManagerLogsPage } from '../features/manager-logs/manager-logs-page';
import { NotificationFeedProvider } from '../features/notifications/notification-feed';
import { NotificationsBadge } from '../features/notifications/notifications-badge';
import { NotificationsPage } from '../features/notifications/notifications-page';
import { ServicePage } from '../features/services/service-page';
import { ServicesPage } from '../features/services/services-page';
import { TokensPage } from '../features/tokens/tokens-page';
import { UsersPage } from '../features/users/users-page';
import { LicenceDocument, RuntimeDocument, type ViewerQuery } from '../gql/graphql';
import { useManagerReachable } from '../lib/connection';
import { useQuery } from '../lib/use-query';
import { AccountMenu } from './account-menu';
import { AppHeader } from './app-header';
import { AppNav, type NavItem } from './app-nav';
import { ConnectionBanner } from './connection-banner';
import { NotFoundPage, OnlyAdminsPage, SignInNeededPage } from './status-pages';

export type Viewer = NonNullable<ViewerQuery['me']>;

/** How often the header asks whether the container engine answers. */
export const RUNTIME_POLL_MS = 5000;

/** How often the header asks for the licence's state: it changes by the day, or by an admin's activation. */
export const LICENCE_POLL_MS = 60_000;

interface WorkspaceProps {
  /** Who is signed in; null when authentication is off and nobody is. */
  viewer: Viewer | null;
  onSignedOut: () => void;
}

/** The signed-in app: header, section links, the manager's and the engine's health, and the pages. */
export function Workspace({ viewer, onSignedOut }: WorkspaceProps) {
  const [location] = useLocation();
  const runtime = useQuery(RuntimeDocument, undefined, { pollInterval: RUNTIME_POLL_MS });
  const licence = useQuery(LicenceDocument, undefined, { pollInterval: LICENCE_POLL_MS });
  const reachable = useManagerReachable();
  const admin = viewer?.role === 'ADMIN';

  const nav: NavItem[] = [
    { href: '/', label: 'Services', match: (path) => path === '/' || path.startsWith('/services/') },
    { href: '/deploy', label: 'Deploy' },
    { href: '/deployments', label: 'Deployments', match: (path) => path.startsWith('/deployments') },
    { href: '/notifications', label: 'Notifications' },
  ];
  if (admin) {
    nav.push(
      { href: '/logs', label: 'Manager log' },
      { href: '/admin/users', label: 'Users' },
      { href: '/admin/audit', label: 'Audit log' },
    );
  }

  const admins = (page: ReactNode) => (admin ? page : viewer ? <OnlyAdminsPage /> : <SignInNeededPage />);
  const signedIn = (page: ReactNode) => (viewer ? page : <SignInNeededPage />);

  return (
    <NotificationFeedProvider viewer={viewer?.name ?? 'anonymous'}>
      <div className="app">
        <a className="skip-link" href="#main">
          Skip to the page
        </a>
        <AppHeader
          reachable={reachable}
          runtime={runtime.data?.runtime}
          runtimeError={runtime.error}
          licence={licence.data?.licence}
        >
          <NotificationsBadge />
          <AccountMenu viewer={viewer} onSignedOut={onSignedOut} />
        </AppHeader>
        <AppNav items={nav} />
        <ConnectionBanner reachable={reachable} runtime={runtime.data?.runtime} />
        <main className="app__main" id="main" tabIndex={-1}>
          <ErrorBoundary
            resetKey={location}
            fallback={(error, retry) => (
              <section className="panel">
                <ErrorMessage title="This page failed; the rest of the app still works" error={error} />
                <button type="button" className="button" onClick={retry}>
                  Try again
                </button>
              </section>
            )}
          >
            <Switch>
              <Route path="/">
                <ServicesPage />
              </Route>
              <Route path="/services/:name">{(params) => <ServicePage name={params.name} />}</Route>
              <Route path="/services/:name/:version">
                {(params) => <ServicePage name={params.name} version={params.version} />}
              </Route>
              <Route path="/deploy">
                <DeployPage />
              </Route>
              <Route path="/deployments">
                <DeploymentsPage />
              </Route>
              <Route path="/deployments/:id">{(params) => <DeploymentPage id={params.id} />}</Route>
              <Route path="/notifications">
                <NotificationsPage />
              </Route>
              <Route path="/tokens">{signedIn(<TokensPage />)}</Route>
              <Route path="/account">{signedIn(<AccountPage userName={viewer?.name} />)}</Route>
              <Route path="/logs">{admins(<ManagerLogsPage />)}</Route>
              <Route path="/admin/users">{admins(<UsersPage currentUser={viewer?.name} />)}</Route>
              <Route path="/admin/audit">{admins(<AuditLogPage />)}</Route>
              <Route path="/auth/login">
                <Redirect to="/" replace />
              </Route>
              <Route>
                <NotFoundPage />
              </Route>
            </Switch>
          </ErrorBoundary>
        </main>
      </div>
    </NotificationFeedProvider>
  );
}
