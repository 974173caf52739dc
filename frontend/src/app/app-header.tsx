import type { ReactNode } from 'react';
import { StatusDot } from '../components/status-dot';
import type { SessionQuery } from '../gql/graphql';

type Runtime = SessionQuery['runtime'];

interface AppHeaderProps {
  /** The manager's version, once known. */
  version?: string;
  /**
   * The container runtime's status; left out where the caller may not read it (signed out).
   * `error` means the manager could not be asked.
   */
  runtime?: { data?: Runtime; error?: Error };
  /** The account area: who is signed in and the sign-in or sign-out button. */
  children?: ReactNode;
}

/** The wordmark, the manager's version, whether its container runtime answers, and the account area. */
export function AppHeader({ version, runtime, children }: AppHeaderProps) {
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <span className="app-header__wordmark">
          <span className="app-header__mark" aria-hidden="true" />
          Daeploy
        </span>
        {version && <span className="app-header__version">Manager {version}</span>}
      </div>
      <div className="app-header__end">
        {runtime && (
          <div className="app-header__runtime" role="status">
            {runtime.data ? (
              <RuntimeStatus runtime={runtime.data} />
            ) : runtime.error ? (
              <span title={runtime.error.message}>
                <StatusDot tone="crit" label="Manager unreachable" />
              </span>
            ) : (
              <StatusDot tone="muted" label="Connecting…" />
            )}
          </div>
        )}
        {children && <div className="app-header__account">{children}</div>}
      </div>
    </header>
  );
}

function RuntimeStatus({ runtime }: { runtime: Runtime }) {
  const name = runtime.kind.charAt(0).toUpperCase() + runtime.kind.slice(1);
  if (runtime.available) {
    const label = [name, runtime.version].filter(Boolean).join(' ');
    return <StatusDot tone="ok" label={`${label} · connected`} />;
  }
  return (
    <span className="app-header__warning">
      <StatusDot tone="warn" label={`${name} unavailable`} />
      {runtime.message && <span className="app-header__message">{runtime.message}</span>}
    </span>
  );
}
