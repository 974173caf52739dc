import { routeHref, type Route } from './use-route';

const LABELS: Record<Route, string> = {
  services: 'Services',
  tokens: 'Tokens',
  users: 'Users',
  account: 'Account',
  'sign-in': 'Sign in',
};

/** Links to the pages the caller may open, the current one marked. */
export function AppNav({ routes, current }: { routes: Route[]; current: Route }) {
  return (
    <nav className="app-nav" aria-label="Sections">
      <ul className="app-nav__list">
        {routes.map((route) => (
          <li key={route}>
            <a
              className="app-nav__link"
              href={routeHref(route)}
              aria-current={route === current ? 'page' : undefined}
            >
              {LABELS[route]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
