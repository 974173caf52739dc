import { useEffect } from 'react';
import { useLogBuffer } from '../../components/log-viewer/log-buffer';
import { LogViewer } from '../../components/log-viewer/log-viewer';
import { ErrorMessage } from '../../components/error-message';
import { ServiceLogStreamDocument } from '../../gql/graphql';
import { onReconnected } from '../../lib/graphql-client';
import { useSubscription } from '../../lib/use-subscription';

/** How many past lines a freshly opened log starts with. */
export const LOG_TAIL = 1000;

/** A version's log, live: its last lines, then each line as the container writes it. */
export function ServiceLogs({ name, version }: { name: string; version: string }) {
  const buffer = useLogBuffer();

  useEffect(() => {
    buffer.clear();
    // after a dropped socket the stream starts again with its last lines: skip those seen
    return onReconnected(() => buffer.resume());
  }, [buffer, name, version]);

  const stream = useSubscription(
    ServiceLogStreamDocument,
    { name, version, tail: LOG_TAIL },
    { onData: ({ serviceLogBatches }) => buffer.pushAll(serviceLogBatches) },
  );

  return (
    <>
      {stream.error && <ErrorMessage title="The log stream failed" error={stream.error} />}
      <LogViewer
        buffer={buffer}
        label={`Log of ${name} ${version}`}
        basename={`${name}_v${version}`}
        live={!stream.error && !stream.completed}
        emptyText="Nothing logged yet."
        status={stream.completed ? <span>The container stopped: the stream ended.</span> : undefined}
        height="55vh"
      />
    </>
  );
}
