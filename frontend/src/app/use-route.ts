import { useCallback, useSyncExternalStore } from 'react';

/** The app's pages, addressed as `#/<route>` so reloads, links and the back button work without a router. */
export const ROUTES = ['services', 'tokens', 'users', 'account', 'sign-in'] as const;

export type Route = (typeof ROUTES)[number];

export function parseRoute(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'services';
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

function getHash(): string {
  return window.location.hash;
}

/** The current route and a function that goes to another one. */
export function useRoute(): [Route, (route: Route) => void] {
  const route = parseRoute(useSyncExternalStore(subscribe, getHash));
  const navigate = useCallback((next: Route) => {
    window.location.hash = routeHref(next);
  }, []);
  return [route, navigate];
}
