import { StatusDot } from '../components/status-dot';
import { ManagerStatusDocument, type ManagerStatusQuery } from '../gql/graphql';
import { useQuery } from '../lib/use-query';

/** The wordmark, the manager's version and whether its container runtime answers. */
export function AppHeader() {
  const { data, error } = useQuery(ManagerStatusDocument);

  return (
    <header className="app-header">
      <div className="app-header__brand">
        <span className="app-header__wordmark">
          <span className="app-header__mark" aria-hidden="true" />
          Daeploy
        </span>
        {data && <span className="app-header__version">Manager {data.manager.version}</span>}
      </div>
      <div className="app-header__runtime" role="status">
        {data ? (
          <RuntimeStatus runtime={data.runtime} />
        ) : error ? (
          <span title={error.message}>
            <StatusDot tone="crit" label="Manager unreachable" />
          </span>
        ) : (
          <StatusDot tone="muted" label="Connecting…" />
        )}
      </div>
    </header>
  );
}

function RuntimeStatus({ runtime }: { runtime: ManagerStatusQuery['runtime'] }) {
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
