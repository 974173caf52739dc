import { useEffect } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useLogBuffer } from '../../components/log-viewer/log-buffer';
import { LogViewer } from '../../components/log-viewer/log-viewer';
import { ManagerLogStreamDocument } from '../../gql/graphql';
import { onReconnected } from '../../lib/graphql-client';
import { usePageTitle } from '../../lib/use-page-title';
import { useSubscription } from '../../lib/use-subscription';

/** How many of the manager's recent lines the page starts with (it keeps the last 10 000). */
export const MANAGER_TAIL = 2000;

/** The manager's own log, live (admins only: it shows what everyone did). */
export function ManagerLogsPage() {
  usePageTitle('Manager log');
  const buffer = useLogBuffer();

  useEffect(() => onReconnected(() => buffer.resume()), [buffer]);

  const stream = useSubscription(
    ManagerLogStreamDocument,
    { tail: MANAGER_TAIL },
    { onData: ({ managerLogBatches }) => buffer.pushAll(managerLogBatches) },
  );

  return (
    <section className="panel" aria-labelledby="manager-logs-heading">
      <header className="panel__header">
        <h1 id="manager-logs-heading" className="panel__title">
          Manager log
        </h1>
      </header>
      <p className="panel__intro">
        The manager’s own log (Traefik’s output included when it runs Traefik): its last{' '}
        {MANAGER_TAIL.toLocaleString()} lines, then each new one.
      </p>
      {stream.error && <ErrorMessage title="The log stream failed" error={stream.error} />}
      <LogViewer
        buffer={buffer}
        label="Manager log"
        basename="manager"
        live={!stream.error && !stream.completed}
        height="65vh"
      />
    </section>
  );
}
