import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { StatusDot } from '../components/status-dot';
import type { LicenceQuery, RuntimeQuery } from '../gql/graphql';
import { useManagerVersion } from './use-manager-version';

type Runtime = RuntimeQuery['runtime'];
type Licence = LicenceQuery['licence'];

interface AppHeaderProps {
  /** The manager's version, when known outside the manager provider. */
  version?: string;
  /** Whether the manager answers; when it does not, nothing here claims the engine is fine. */
  reachable?: boolean;
  /** The container engine's status, where the caller may read it. */
  runtime?: Runtime;
  runtimeError?: Error;
  /** The manager's licence; shown only when it needs attention. */
  licence?: Licence;
  /** The notifications badge and the account menu. */
  children?: ReactNode;
}

/** The wordmark, the manager's version, the engine's status, and the account area. */
export function AppHeader({
  version,
  reachable = true,
  runtime,
  runtimeError,
  licence,
  children,
}: AppHeaderProps) {
  const known = useManagerVersion();
  const shownVersion = version ?? known;
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <Link href="/" className="app-header__wordmark" aria-label="Daeploy: services">
          <span className="app-header__mark" aria-hidden="true" />
          <span aria-hidden="true">
            dae<b>ploy</b>
          </span>
        </Link>
        {shownVersion && (
          <span className="app-header__version">
            manager <b>v{shownVersion}</b>
          </span>
        )}
      </div>
      <div className="app-header__end">
        {licence && <LicenceNotice licence={licence} />}
        <div className="app-header__runtime" role="status">
          {!reachable ? (
            <StatusDot tone="crit" label="Manager unreachable" />
          ) : runtime ? (
            <RuntimeStatus runtime={runtime} />
          ) : runtimeError ? (
            <StatusDot tone="muted" label="Engine status unknown" />
          ) : children ? (
            <StatusDot tone="muted" label="Connecting…" />
          ) : null}
        </div>
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
  return <StatusDot tone="warn" label={`${name} unavailable`} />;
}

/** Says what an expiring, expired or invalid licence means; nothing for none or a valid one. */
function LicenceNotice({ licence }: { licence: Licence }) {
  const day = licence.expiresAt ? new Date(licence.expiresAt).toISOString().slice(0, 10) : undefined;
  switch (licence.state) {
    case 'EXPIRING':
      return (
        <div className="app-header__licence" role="status">
          <StatusDot tone="warn" label={`Licence expires ${day ?? 'soon'}`} />
        </div>
      );
    case 'EXPIRED':
      return (
        <div className="app-header__licence" role="alert">
          <StatusDot tone="crit" label="Licence expired: no new deploys, users or tokens" />
        </div>
      );
    case 'INVALID':
      return (
        <div className="app-header__licence" role="alert">
          <StatusDot tone="crit" label="Licence invalid: no new deploys, users or tokens" />
        </div>
      );
    default:
      return null;
  }
}
