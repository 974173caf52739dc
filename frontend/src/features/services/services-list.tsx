import { DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { StatusDot } from '../../components/status-dot';
import { ServicesDocument, type ServicesQuery } from '../../gql/graphql';
import { useQuery } from '../../lib/use-query';
import { describeState } from './service-state';
import './services-list.css';
import { ListPanelHeader } from '../../components/list-panel-header';

type Service = ServicesQuery['services'][number];

/** Every deployed service version, as the manager reports it; refreshed on demand. */
export function ServicesList() {
  const { data, error, loading, refetch } = useQuery(ServicesDocument);
  const services = data?.services;

  return (
    <section className="panel" aria-labelledby="services-heading" aria-busy={loading}>
      <ListPanelHeader
        id="services-heading"
        title="Services"
        count={services?.length}
        loading={loading}
        onRefresh={refetch}
      />

      {error && <ErrorMessage title="Could not load services" error={error} />}

      {services === undefined ? (
        !error && (
          <p className="panel__note" role="status">
            Loading services…
          </p>
        )
      ) : services.length === 0 ? (
        <p className="panel__note">No services deployed.</p>
      ) : (
        <ServicesTable services={services} />
      )}
    </section>
  );
}

function ServicesTable({ services }: { services: Service[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table services-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Version</th>
            <th scope="col">Main</th>
            <th scope="col">State</th>
            <th scope="col">Image</th>
            <th scope="col">URL</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {services.map((service) => (
            <ServiceRow key={`${service.name}@${service.version}`} service={service} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ServiceRow({ service }: { service: Service }) {
  const state = describeState(service.state);
  return (
    <tr>
      <th scope="row">{service.name}</th>
      <td className="services-table__mono">{service.version}</td>
      <td>
        {service.main ? (
          <span className="services-table__main">★ main</span>
        ) : (
          <span className="services-table__shadow">shadow</span>
        )}
      </td>
      <td>
        <StatusDot tone={state.tone} label={state.label} />
      </td>
      <td className="services-table__mono">{service.image}</td>
      <td className="services-table__mono">
        <a href={service.url} title={service.url} target="_blank" rel="noreferrer">
          {urlPath(service.url)}
        </a>
      </td>
      <td>
        <DateTime value={service.createdAt} />
      </td>
    </tr>
  );
}

/** The path users know a service by (`/services/<name>_<version>/`); the host is the manager's own. */
function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
