import { createContext, useContext, type ReactNode } from 'react';

/** What the app knows of the manager it talks to (from the public `manager` query). */
export interface ManagerInfo {
  version: string;
  authEnabled: boolean;
  /** The port services are reached on, through the proxy (`DAEPLOY_PROXY_HTTP_PORT`). */
  servicesPort: number;
}

export const ManagerInfoContext = createContext<ManagerInfo | null>(null);

export function ManagerInfoProvider({ value, children }: { value: ManagerInfo; children: ReactNode }) {
  return <ManagerInfoContext.Provider value={value}>{children}</ManagerInfoContext.Provider>;
}

/** The manager's version, settings and services' port; throws outside the app's provider. */
export function useManagerInfo(): ManagerInfo {
  const info = useContext(ManagerInfoContext);
  if (!info) {
    throw new Error('useManagerInfo needs a ManagerInfoProvider');
  }
  return info;
}

/**
 * A service's link for this browser: the page's own host name (never the manager's configured one,
 * so links work whichever name the dashboard was opened by), the services' port, and the path the
 * manager gives (`/services/<name>/` or `/services/<name>_<version>/`).
 */
export function serviceLink(
  path: string,
  servicesPort: number,
  location: Location = window.location,
): string {
  const port =
    (location.protocol === 'http:' && servicesPort === 80) ||
    (location.protocol === 'https:' && servicesPort === 443)
      ? ''
      : `:${servicesPort}`;
  return `${location.protocol}//${location.hostname}${port}${path}`;
}
