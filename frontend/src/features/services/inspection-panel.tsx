import { useEffect, useRef, type ReactNode } from 'react';
import { DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { ServiceInspectionDocument } from '../../gql/graphql';
import { useQuery } from '../../lib/use-query';

interface InspectionPanelProps {
  name: string;
  version: string;
  /** Changes when the version's state does, so that the details are asked for again. */
  stateKey: string;
}

const POLICIES: Record<string, string> = {
  NO: 'Never restart',
  ON_FAILURE: 'Restart on failure',
  UNLESS_STOPPED: 'Restart unless stopped',
  ALWAYS: 'Always restart',
};

/** A version's container as the engine describes it, with its environment (secrets masked). */
export function InspectionPanel({ name, version, stateKey }: InspectionPanelProps) {
  const query = useQuery(ServiceInspectionDocument, { name, version });
  const { refetch } = query;
  const seenState = useRef(stateKey);
  useEffect(() => {
    if (seenState.current !== stateKey) {
      seenState.current = stateKey;
      refetch();
    }
  }, [stateKey, refetch]);
  const service = query.data?.service;
  const inspection = service?.inspection;

  if (query.error && !inspection) {
    return <ErrorMessage title="Could not inspect the container" error={query.error} />;
  }
  if (!query.data) {
    return (
      <p className="panel__note" role="status">
        Inspecting the container…
      </p>
    );
  }
  if (!inspection) {
    return <p className="panel__note">The engine has no container for this version.</p>;
  }

  return (
    <div className="inspection">
      <dl className="facts">
        <Fact label="Container">
          <code>{inspection.containerName}</code>{' '}
          <span className="muted">({inspection.containerId.slice(0, 12)})</span>
        </Fact>
        <Fact label="Status">
          {inspection.status.toLowerCase()}
          {inspection.exitCode !== null && inspection.exitCode !== undefined && !inspection.running
            ? `, exit code ${inspection.exitCode}`
            : ''}
          {inspection.oomKilled ? ', killed for lack of memory' : ''}
        </Fact>
        <Fact label={inspection.running ? 'Started' : 'Stopped'}>
          <DateTime value={inspection.running ? inspection.startedAt : inspection.finishedAt} />
        </Fact>
        <Fact label="Restarts">{inspection.restartCount}</Fact>
        <Fact label="Restart policy">{POLICIES[inspection.restartPolicy] ?? inspection.restartPolicy}</Fact>
        <Fact label="Port">
          {service.port}
          {inspection.publishedAddress && (
            <span className="muted"> (published on {inspection.publishedAddress})</span>
          )}
        </Fact>
        <Fact label="Command">
          <code>{inspection.command.length ? inspection.command.join(' ') : '(the image’s own)'}</code>
        </Fact>
        <Fact label="Image id">
          <code title={inspection.imageId}>{inspection.imageId.replace(/^sha256:/, '').slice(0, 12)}</code>
        </Fact>
        {inspection.error && <Fact label="Engine error">{inspection.error}</Fact>}
      </dl>

      <h3 className="panel__subtitle">Environment</h3>
      <div className="table-scroll">
        <table className="data-table env-table">
          <thead>
            <tr>
              <th scope="col">Variable</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {inspection.env.map((variable) => (
              <tr key={variable.name}>
                <th scope="row" className="mono">
                  {variable.name}
                </th>
                <td className="mono env-table__value">
                  {variable.secret ? (
                    <>
                      <span aria-label="masked secret">{variable.value}</span>{' '}
                      <span className="badge badge--secret">secret</span>
                    </>
                  ) : (
                    variable.value
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {inspection.labels.length > 0 && (
        <details className="labels">
          <summary>Labels ({inspection.labels.length})</summary>
          <ul className="labels__list">
            {inspection.labels.map((label) => (
              <li key={label.key} className="mono">
                {label.key}={label.value}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="facts__item">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
