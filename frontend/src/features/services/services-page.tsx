import { useId, useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { formatDuration, DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { LiveTag } from '../../components/live-tag';
import { StatusDot } from '../../components/status-dot';
import { isUnreachable } from '../../lib/graphql-client';
import { useNow } from '../../lib/use-now';
import { usePageTitle } from '../../lib/use-page-title';
import { ServiceLinks } from './service-links';
import { describeState, stateRank } from './service-state';
import { useLiveServices, type ServiceRow } from './use-live-services';
import './services.css';

type SortKey = 'name' | 'state' | 'uptime' | 'created';
type StateFilter = 'all' | 'running' | 'not-running';

const SORTS: Record<SortKey, string> = {
  name: 'Name',
  state: 'State (trouble first)',
  uptime: 'Uptime (longest first)',
  created: 'Deployed (newest first)',
};

/** Every deployed version, live from `serviceEvents`: filter, sort, open one. */
export function ServicesPage() {
  usePageTitle('Services');
  const { services, error, streamError } = useLiveServices();
  const [filter, setFilter] = useState('');
  const [stateFilter, setStateFilter] = useState<StateFilter>('all');
  const [sort, setSort] = useState<SortKey>('name');
  const filterId = useId();
  const stateId = useId();
  const sortId = useId();
  const now = useNow(5000);

  const shown = useMemo(() => {
    if (!services) {
      return undefined;
    }
    const words = filter.trim().toLowerCase();
    const matching = services.filter(
      (service) =>
        (words === '' ||
          service.name.includes(words) ||
          service.version.toLowerCase().includes(words) ||
          service.image.toLowerCase().includes(words)) &&
        (stateFilter === 'all' || (stateFilter === 'running') === (service.state === 'RUNNING')),
    );
    return sortServices(matching, sort);
  }, [services, filter, stateFilter, sort]);

  const serviceCount = useMemo(() => new Set(services?.map((service) => service.name)).size, [services]);

  return (
    <section className="panel" aria-labelledby="services-heading">
      <header className="panel__header">
        <h1 id="services-heading" className="panel__title">
          Services
          {services && (
            <span className="panel__count" title={`${serviceCount} services, ${services.length} versions`}>
              {services.length}
            </span>
          )}
        </h1>
        <div className="panel__header-actions">
          <LiveTag live={services !== undefined && !error && !streamError} />
          <Link className="button button--primary" href="/deploy">
            Deploy
          </Link>
        </div>
      </header>

      {services && services.length > 0 && (
        <div className="filters" role="search">
          <div className="field">
            <label className="field__label" htmlFor={filterId}>
              Filter
            </label>
            <input
              id={filterId}
              className="input"
              type="search"
              placeholder="Name, version or image"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={stateId}>
              State
            </label>
            <select
              id={stateId}
              className="input"
              value={stateFilter}
              onChange={(event) => setStateFilter(event.target.value as StateFilter)}
            >
              <option value="all">All</option>
              <option value="running">Running</option>
              <option value="not-running">Not running</option>
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor={sortId}>
              Sort by
            </label>
            <select
              id={sortId}
              className="input"
              value={sort}
              onChange={(event) => setSort(event.target.value as SortKey)}
            >
              {Object.entries(SORTS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}

      {error && (
        <ErrorMessage
          title={
            isUnreachable(error)
              ? 'Cannot list the services: the manager does not answer. Trying again…'
              : 'Could not list the services'
          }
          error={error}
        />
      )}
      {streamError && !error && (
        <ErrorMessage title="Live updates stopped; reload the page to resume them" error={streamError} />
      )}

      {shown === undefined ? (
        !error && (
          <p className="panel__note" role="status">
            Loading services…
          </p>
        )
      ) : services?.length === 0 ? (
        <div className="panel__note">
          <p className="panel__note-title">No services deployed.</p>
          <p>
            <Link href="/deploy">Deploy one</Link> from an image, a git repository, a source folder or a
            pickled model.
          </p>
        </div>
      ) : shown.length === 0 ? (
        <p className="panel__note">No version matches the filter.</p>
      ) : (
        <ServicesTable services={shown} now={now} />
      )}
    </section>
  );
}

function sortServices(services: ServiceRow[], sort: SortKey): ServiceRow[] {
  const byName = (a: ServiceRow, b: ServiceRow) =>
    a.name === b.name
      ? Number(b.main) - Number(a.main) || a.createdAt.localeCompare(b.createdAt)
      : a.name < b.name
        ? -1
        : 1;
  const sorted = [...services];
  switch (sort) {
    case 'state':
      return sorted.sort((a, b) => stateRank(a.state) - stateRank(b.state) || byName(a, b));
    case 'uptime':
      return sorted.sort((a, b) => uptimeStart(a) - uptimeStart(b) || byName(a, b));
    case 'created':
      return sorted.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || byName(a, b));
    default:
      return sorted.sort(byName);
  }
}

function uptimeStart(service: ServiceRow): number {
  return service.state === 'RUNNING' && service.stateSince
    ? Date.parse(service.stateSince)
    : Number.POSITIVE_INFINITY;
}

function ServicesTable({ services, now }: { services: ServiceRow[]; now: number }) {
  const [, navigate] = useLocation();
  return (
    <div className="table-scroll table-scroll--stacking">
      <table className="data-table services-table">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Version</th>
            <th scope="col">State</th>
            <th scope="col">Uptime</th>
            <th scope="col">Image</th>
            <th scope="col">Links</th>
            <th scope="col">Deployed</th>
          </tr>
        </thead>
        <tbody>
          {services.map((service) => {
            const href = `/services/${service.name}/${service.version}`;
            return (
              <tr
                key={`${service.name}@${service.version}`}
                className="data-table__link-row"
                onClick={(event) => {
                  // links and buttons in the row do their own thing
                  if (!(event.target as HTMLElement).closest('a, button, input, select')) {
                    navigate(href);
                  }
                }}
              >
                <th scope="row" data-label="Service">
                  <Link href={href} className="services-table__name">
                    {service.name}
                  </Link>
                </th>
                <td data-label="Version">
                  <span className="services-table__mono">{service.version}</span>{' '}
                  <VersionRole main={service.main} />
                </td>
                <td data-label="State">
                  <ServiceStateDot service={service} />
                </td>
                <td data-label="Uptime">
                  {service.state === 'RUNNING' && service.stateSince ? (
                    <span title={`Running since ${service.stateSince}`}>
                      {formatDuration(now - Date.parse(service.stateSince))}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-label="Image" className="services-table__mono services-table__image">
                  {service.image}
                </td>
                <td data-label="Links" className="services-table__mono">
                  <ServiceLinks service={service} compact />
                </td>
                <td data-label="Deployed">
                  <DateTime value={service.createdAt} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function VersionRole({ main }: { main: boolean }) {
  return main ? (
    <span className="badge badge--main" title="Main version: answers /services/<name>/">
      ★ main
    </span>
  ) : (
    <span className="badge" title="Shadow version: receives a mirrored copy of main's requests">
      shadow
    </span>
  );
}

export function ServiceStateDot({ service }: { service: Pick<ServiceRow, 'state' | 'main'> }) {
  const state = describeState(service.state);
  const label = service.state === 'RUNNING' && !service.main ? 'Mirroring traffic' : state.label;
  return <StatusDot tone={state.tone} label={label} />;
}
