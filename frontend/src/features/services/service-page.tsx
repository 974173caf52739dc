import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { DateTime, formatDuration } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { LiveTag } from '../../components/live-tag';
import { useToast } from '../../components/toaster';
import {
  AssignMainVersionDocument,
  RestartServiceDocument,
  StartServiceDocument,
  StopServiceDocument,
} from '../../gql/graphql';
import { isUnreachable } from '../../lib/graphql-client';
import { serviceLink, useManagerInfo } from '../../lib/manager-info';
import { useMutation } from '../../lib/use-mutation';
import { useNow } from '../../lib/use-now';
import { usePageTitle } from '../../lib/use-page-title';
import { InspectionPanel } from './inspection-panel';
import { KillDialog } from './kill-dialog';
import { ServiceLinks } from './service-links';
import { ServiceLogs } from './service-logs';
import { ServiceStateDot, VersionRole } from './services-page';
import { TrafficPanel } from './traffic-panel';
import { useLiveServices, type ServiceRow } from './use-live-services';
import './services.css';

interface ServicePageProps {
  name: string;
  /** The version to show; the main version when left out. */
  version?: string;
}

/**
 * One service: its versions live, their traffic side by side, and one version in detail
 * (inspection, environment, live log) with what can be done to it: make it main, stop, start,
 * restart, kill.
 */
export function ServicePage({ name, version }: ServicePageProps) {
  usePageTitle(version ? `${name} ${version}` : name);
  const { services, error, streamError } = useLiveServices(name);
  const [actionError, setActionError] = useState<Error | null>(null);
  const now = useNow(5000);

  if (!services) {
    return (
      <section className="panel" aria-labelledby="service-heading">
        <h1 id="service-heading" className="panel__title">
          {name}
        </h1>
        {error ? (
          <ErrorMessage
            title={
              isUnreachable(error) ? 'The manager does not answer. Trying again…' : `Could not load ${name}`
            }
            error={error}
          />
        ) : (
          <p className="panel__note" role="status">
            Loading {name}…
          </p>
        )}
      </section>
    );
  }

  if (services.length === 0) {
    return (
      <section className="panel" aria-labelledby="service-heading">
        <h1 id="service-heading" className="panel__title">
          No service “{name}”
        </h1>
        <p className="panel__note">
          No version of “{name}” is deployed (any more). <Link href="/">All services</Link> ·{' '}
          <Link href="/deploy">Deploy</Link>
        </p>
      </section>
    );
  }

  const main = services.find((service) => service.main) ?? services[0];
  const selected = version === undefined ? main : services.find((service) => service.version === version);

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Services</Link> <span aria-hidden="true">/</span> <span>{name}</span>
      </nav>

      <section className="panel" aria-labelledby="service-heading">
        <header className="panel__header">
          <h1 id="service-heading" className="panel__title">
            {name}
            <span className="panel__count" title="Versions">
              {services.length}
            </span>
          </h1>
          <div className="panel__header-actions">
            <LiveTag live={!streamError} />
            <MainRouteLink service={main} />
          </div>
        </header>
        {streamError && (
          <ErrorMessage title="Live updates stopped; reload to resume them" error={streamError} />
        )}
        {actionError && <ErrorMessage title="That did not work" error={actionError} />}
        <VersionsTable services={services} selected={selected} now={now} onError={setActionError} />
      </section>

      <section className="panel" aria-labelledby="traffic-heading">
        <h2 id="traffic-heading" className="panel__title panel__title--sub">
          Traffic
        </h2>
        <p className="panel__intro">
          Main answers <code>/services/{name}/</code>; each shadow receives a mirrored copy of its requests,
          whose answers are measured and dropped.
        </p>
        <TrafficPanel name={name} />
      </section>

      {selected ? (
        <VersionDetail
          key={selected.version}
          service={selected}
          others={services.filter((other) => other.version !== selected.version)}
          onError={setActionError}
        />
      ) : (
        <section className="panel">
          <p className="panel__note">
            Version “{version}” of {name} is not deployed. Pick one above.
          </p>
        </section>
      )}
    </div>
  );
}

function MainRouteLink({ service }: { service: ServiceRow }) {
  const { servicesPort } = useManagerInfo();
  if (!service.servicePath) {
    return null;
  }
  return (
    <a
      className="button"
      href={serviceLink(service.servicePath, servicesPort)}
      target="_blank"
      rel="noreferrer"
    >
      Open {service.servicePath} ↗
    </a>
  );
}

interface VersionsTableProps {
  services: ServiceRow[];
  selected?: ServiceRow;
  now: number;
  onError: (error: Error | null) => void;
}

function VersionsTable({ services, selected, now, onError }: VersionsTableProps) {
  const assign = useMutation(AssignMainVersionDocument);
  const toast = useToast();
  const [, navigate] = useLocation();

  const makeMain = async (service: ServiceRow) => {
    onError(null);
    const { data, error } = await assign.mutate({ input: { name: service.name, version: service.version } });
    if (error) {
      onError(error);
      return;
    }
    toast({
      tone: 'ok',
      title: `${service.name} ${data?.assignMainVersion.main.version} is main now`,
      description: data?.assignMainVersion.previousMain
        ? `${data.assignMainVersion.previousMain.version} is a shadow and receives mirrored requests.`
        : undefined,
    });
  };

  return (
    <div className="table-scroll table-scroll--stacking">
      <table className="data-table versions-table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Role</th>
            <th scope="col">State</th>
            <th scope="col">Uptime</th>
            <th scope="col">Links</th>
            <th scope="col">Deployed</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {services.map((service) => {
            const href = `/services/${service.name}/${service.version}`;
            const current = selected?.version === service.version;
            return (
              <tr
                key={service.version}
                className={`data-table__link-row${current ? ' data-table__row--selected' : ''}`}
                aria-current={current ? 'true' : undefined}
                onClick={(event) => {
                  if (!(event.target as HTMLElement).closest('a, button')) {
                    navigate(href);
                  }
                }}
              >
                <th scope="row" data-label="Version">
                  <Link href={href} className="services-table__name services-table__mono">
                    {service.version}
                  </Link>
                </th>
                <td data-label="Role">
                  <VersionRole main={service.main} />
                </td>
                <td data-label="State">
                  <ServiceStateDot service={service} />
                </td>
                <td data-label="Uptime">
                  {service.state === 'RUNNING' && service.stateSince
                    ? formatDuration(now - Date.parse(service.stateSince))
                    : '—'}
                </td>
                <td data-label="Links" className="services-table__mono">
                  <ServiceLinks service={service} compact />
                </td>
                <td data-label="Deployed">
                  <DateTime value={service.createdAt} />
                </td>
                <td className="data-table__actions">
                  {!service.main && (
                    <button
                      type="button"
                      className="button button--small"
                      disabled={assign.loading}
                      aria-label={`Make ${service.version} main`}
                      onClick={() => makeMain(service)}
                    >
                      Make main
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

interface VersionDetailProps {
  service: ServiceRow;
  others: ServiceRow[];
  onError: (error: Error | null) => void;
}

function VersionDetail({ service, others, onError }: VersionDetailProps) {
  return (
    <>
      <section className="panel" aria-labelledby="version-heading">
        <header className="panel__header panel__header--wrap">
          <h2 id="version-heading" className="panel__title panel__title--sub">
            {service.name} <span className="services-table__mono">{service.version}</span>
            <VersionRole main={service.main} />
          </h2>
          <div className="panel__header-actions">
            <LifecycleButtons service={service} onError={onError} />
            <KillDialog service={service} others={others} onError={onError} />
          </div>
        </header>
        <dl className="facts facts--inline">
          <div className="facts__item">
            <dt>State</dt>
            <dd>
              <ServiceStateDot service={service} />
            </dd>
          </div>
          <div className="facts__item">
            <dt>Image</dt>
            <dd className="mono">{service.image}</dd>
          </div>
          <div className="facts__item">
            <dt>Links</dt>
            <dd className="mono">
              <ServiceLinks service={service} />
            </dd>
          </div>
        </dl>
        <InspectionPanel
          name={service.name}
          version={service.version}
          stateKey={`${service.state}@${service.stateSince ?? ''}`}
        />
      </section>

      <section className="panel" aria-labelledby="logs-heading">
        <h2 id="logs-heading" className="panel__title panel__title--sub">
          Log
        </h2>
        <ServiceLogs name={service.name} version={service.version} />
      </section>
    </>
  );
}

/** Stop, start and restart: deployment jobs of the deploy-from-source API. */
function LifecycleButtons({
  service,
  onError,
}: {
  service: ServiceRow;
  onError: (error: Error | null) => void;
}) {
  const stop = useMutation(StopServiceDocument);
  const start = useMutation(StartServiceDocument);
  const restart = useMutation(RestartServiceDocument);
  const toast = useToast();
  const busy = stop.loading || start.loading || restart.loading;
  const input = { input: { name: service.name, version: service.version } };

  const run = async (
    what: string,
    action: () => Promise<{ data?: { deployment?: { id: string } } | null; error?: Error }>,
  ) => {
    onError(null);
    const { data, error } = await action();
    if (error) {
      onError(error);
      return;
    }
    toast({
      title: `${what} ${service.name} ${service.version}`,
      description: `Deployment ${data?.deployment?.id}`,
    });
  };

  const running = service.state === 'RUNNING' || service.state === 'RESTARTING';
  const actions = [
    running
      ? {
          label: 'Stop',
          doing: 'Stopping',
          send: async () => {
            const outcome = await stop.mutate(input);
            return { data: outcome.data?.stopService, error: outcome.error };
          },
        }
      : {
          label: 'Start',
          doing: 'Starting',
          send: async () => {
            const outcome = await start.mutate(input);
            return { data: outcome.data?.startService, error: outcome.error };
          },
        },
    {
      label: 'Restart',
      doing: 'Restarting',
      send: async () => {
        const outcome = await restart.mutate(input);
        return { data: outcome.data?.restartService, error: outcome.error };
      },
    },
  ];
  return (
    <>
      {actions.map((action) => (
        <button
          key={action.label}
          type="button"
          className="button"
          disabled={busy}
          onClick={() => run(action.doing, action.send)}
        >
          {action.label}
        </button>
      ))}
    </>
  );
}
