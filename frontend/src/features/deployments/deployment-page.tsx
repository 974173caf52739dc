import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'wouter';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { useLogBuffer } from '../../components/log-viewer/log-buffer';
import { LogViewer } from '../../components/log-viewer/log-viewer';
import { StatusDot } from '../../components/status-dot';
import {
  CancelDeploymentDocument,
  DeploymentDocument,
  DeploymentEventsDocument,
  type DeploymentFieldsFragment,
} from '../../gql/graphql';
import { onReconnected } from '../../lib/graphql-client';
import { useMutation } from '../../lib/use-mutation';
import { useQuery } from '../../lib/use-query';
import { usePageTitle } from '../../lib/use-page-title';
import { useSubscription } from '../../lib/use-subscription';
import { describeDeploymentState, isFinal } from './deployment-state';
import './deployments.css';

const KINDS: Record<string, string> = { DEPLOY: 'Deploy', STOP: 'Stop', START: 'Start', RESTART: 'Restart' };

/** One deployment as it goes: its state and its build log, both live, and a way to cancel it. */
export function DeploymentPage({ id }: { id: string }) {
  usePageTitle(`Deployment ${id}`);
  const query = useQuery(DeploymentDocument, { id });
  const [live, setLive] = useState<DeploymentFieldsFragment | null>(null);
  const cancel = useMutation(CancelDeploymentDocument);
  const buffer = useLogBuffer();
  const deployment = live ?? query.data?.deployment ?? null;
  const ended = deployment ? isFinal(deployment.state) : false;

  useEffect(() => {
    buffer.clear();
    // the stream starts again with every line so far when the socket comes back
    return onReconnected(() => buffer.clear());
  }, [buffer, id]);

  const stream = useSubscription(
    DeploymentEventsDocument,
    { id },
    {
      skip: query.data?.deployment === null || (query.error !== undefined && !query.data),
      onData: ({ deploymentEvents: event }) => {
        if (event.line) {
          buffer.push(event.line);
        }
        if (event.deployment) {
          setLive(event.deployment);
        }
      },
    },
  );

  if (query.error && !query.data) {
    return (
      <section className="panel">
        <h1 className="panel__title">Deployment {id}</h1>
        <ErrorMessage title="Could not load the deployment" error={query.error} />
      </section>
    );
  }
  if (!query.data) {
    return (
      <section className="panel">
        <p className="panel__note" role="status">
          Loading deployment {id}…
        </p>
      </section>
    );
  }
  if (!deployment) {
    return (
      <section className="panel">
        <h1 className="panel__title">No deployment {id}</h1>
        <p className="panel__note">
          There is no deployment with this id. <Link href="/deployments">All deployments</Link>
        </p>
      </section>
    );
  }

  const state = describeDeploymentState(deployment.state);
  const serviceHref = `/services/${deployment.serviceName}/${deployment.serviceVersion}`;

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/deployments">Deployments</Link> <span aria-hidden="true">/</span>{' '}
        <span>{deployment.id}</span>
      </nav>
      <section className="panel" aria-labelledby="deployment-heading">
        <header className="panel__header panel__header--wrap">
          <h1 id="deployment-heading" className="panel__title">
            {KINDS[deployment.kind] ?? deployment.kind} {deployment.serviceName}{' '}
            <span className="mono">{deployment.serviceVersion}</span>
          </h1>
          <div className="panel__header-actions">
            <span className="deployment-state" aria-live="polite">
              <StatusDot tone={state.tone} label={state.label} />
            </span>
            {deployment.state === 'RUNNING' && (
              <Link className="button" href={serviceHref}>
                Open the version
              </Link>
            )}
            {!ended && (
              <ConfirmDialog
                trigger={
                  <button type="button" className="button button--danger" disabled={cancel.loading}>
                    {cancel.loading ? 'Cancelling…' : 'Cancel'}
                  </button>
                }
                title={`Cancel deployment ${deployment.id}?`}
                confirmLabel="Cancel the deployment"
                onConfirm={async () => {
                  const { data } = await cancel.mutate({ input: { id: deployment.id } });
                  if (data) {
                    setLive(data.cancelDeployment.deployment);
                  }
                }}
              >
                <p>
                  A queued deployment leaves the queue; a build or a start stops, and what it made is removed.
                </p>
              </ConfirmDialog>
            )}
          </div>
        </header>
        {cancel.error && <ErrorMessage title="Could not cancel" error={cancel.error} />}
        {deployment.state === 'FAILED' && (
          <div className="error-message" role="alert">
            <p className="error-message__title">The deployment failed</p>
            <p className="error-message__body">
              {deployment.reason ?? 'No reason given.'}
              {deployment.code && <code className="error-message__code">{deployment.code}</code>}
            </p>
          </div>
        )}
        {deployment.state === 'CANCELLED' && deployment.reason && (
          <p className="notice notice--warn">{deployment.reason}</p>
        )}
        <dl className="facts">
          <Fact label="Source">
            <span className="mono">{deployment.source}</span>
          </Fact>
          {deployment.builderImage && (
            <Fact label="Builder">
              <span className="mono">{deployment.builderImage}</span>
            </Fact>
          )}
          {deployment.image && (
            <Fact label="Image">
              <span className="mono">{deployment.image}</span>
            </Fact>
          )}
          <Fact label="By">{deployment.createdBy}</Fact>
          <Fact label="Submitted">
            <DateTime value={deployment.createdAt} />
          </Fact>
          <Fact label="Started">
            <DateTime value={deployment.startedAt} fallback="Not yet" />
          </Fact>
          <Fact label="Finished">
            <DateTime value={deployment.finishedAt} fallback={ended ? '—' : 'Not yet'} />
          </Fact>
        </dl>
      </section>
      <section className="panel" aria-labelledby="build-log-heading">
        <h2 id="build-log-heading" className="panel__title panel__title--sub">
          Log
        </h2>
        {stream.error && <ErrorMessage title="The log stream failed" error={stream.error} />}
        <LogViewer
          buffer={buffer}
          label={`Log of deployment ${deployment.id}`}
          basename={`deployment_${deployment.id}_${deployment.serviceName}_v${deployment.serviceVersion}`}
          live={!ended && !stream.error && !stream.completed}
          emptyText={ended ? 'This deployment logged nothing.' : 'Waiting for the first line…'}
          height="50vh"
        />
      </section>
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
