import { serviceLink, useManagerInfo } from '../../lib/manager-info';
import type { ServiceRow } from './use-live-services';

/**
 * A version's links, relative to this page's host name: its service's route (`/services/<name>/`)
 * when it is main, and its own (`/services/<name>_<version>/`).
 */
export function ServiceLinks({ service, compact = false }: { service: ServiceRow; compact?: boolean }) {
  const { servicesPort } = useManagerInfo();
  return (
    <span className="service-links">
      {service.servicePath && (
        <a
          className="service-links__link"
          href={serviceLink(service.servicePath, servicesPort)}
          target="_blank"
          rel="noreferrer"
          title={`Main route of ${service.name}: answered by its main version, mirrored to its shadows`}
        >
          {compact ? service.servicePath : `${service.servicePath} ↗`}
        </a>
      )}
      <a
        className="service-links__link service-links__link--version"
        href={serviceLink(service.path, servicesPort)}
        target="_blank"
        rel="noreferrer"
        title={`Version ${service.version} alone`}
      >
        {compact ? service.path : `${service.path} ↗`}
      </a>
    </span>
  );
}
