import { useCallback, useEffect, useRef, useState } from 'react';
import {
  ServiceEventsDocument,
  ServicesDocument,
  type ServiceEventsSubscription,
  type ServiceRowFragment,
} from '../../gql/graphql';
import { execute, onReconnected, type GraphqlRequestError } from '../../lib/graphql-client';
import { useSubscription } from '../../lib/use-subscription';

export type ServiceRow = ServiceRowFragment;
type ServiceEvent = ServiceEventsSubscription['serviceEvents'];

export interface LiveServices {
  /** Every version, ordered by name then deployment time; undefined until the first answer. */
  services?: ServiceRow[];
  /** Why the last listing failed. */
  error?: Error;
  /** Why the event stream failed, if it did (the list then no longer updates by itself). */
  streamError?: GraphqlRequestError;
  loading: boolean;
  refetch: () => void;
}

function key(name: string, version: string): string {
  return `${name}\u0000${version}`;
}

/** The list after one event: a kill removes the version, anything else puts in its new view. */
export function applyServiceEvent(rows: ServiceRow[], event: ServiceEvent): ServiceRow[] {
  const id = key(event.name, event.version);
  const rest = rows.filter((row) => key(row.name, row.version) !== id);
  if (event.kind === 'KILLED' || !event.service) {
    return rest;
  }
  const next = [...rest, event.service];
  next.sort((a, b) =>
    a.name === b.name ? a.createdAt.localeCompare(b.createdAt) : a.name < b.name ? -1 : 1,
  );
  return next;
}

/**
 * Services (all, or one service's versions) kept true without polling: listed once, then changed by
 * each `serviceEvents` event. Events that arrive while a listing is under way are applied again on
 * top of its answer, so none is lost to the race; after the socket drops and comes back (events
 * were missed meanwhile) the list is asked for again.
 */
export function useLiveServices(name?: string): LiveServices {
  // rows belong to the service they were listed for: another name starts from nothing
  const [listed, setListed] = useState<{ name?: string; rows: ServiceRow[] }>();
  const rows = listed && listed.name === name ? listed.rows : undefined;
  const setRows = useCallback(
    (update: (current: ServiceRow[] | undefined) => ServiceRow[] | undefined) =>
      setListed((current) => {
        const next = update(current && current.name === name ? current.rows : undefined);
        return next ? { name, rows: next } : undefined;
      }),
    [name],
  );
  const [error, setError] = useState<Error>();
  const sinceRequest = useRef<ServiceEvent[] | null>(null);
  const request = useRef<AbortController | null>(null);

  const load = useCallback(() => {
    request.current?.abort();
    const controller = new AbortController();
    request.current = controller;
    sinceRequest.current = [];
    execute(ServicesDocument, name === undefined ? {} : { name }, { signal: controller.signal }).then(
      (data) => {
        if (controller.signal.aborted) {
          return;
        }
        let next = data.services;
        for (const event of sinceRequest.current ?? []) {
          next = applyServiceEvent(next, event);
        }
        sinceRequest.current = null;
        setRows(() => next);
        setError(undefined);
      },
      (caught: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        sinceRequest.current = null;
        setError(caught instanceof Error ? caught : new Error(String(caught)));
      },
    );
  }, [name, setRows]);

  useEffect(() => {
    load();
    const stop = onReconnected(load);
    return () => {
      stop();
      request.current?.abort();
    };
  }, [load]);

  const stream = useSubscription(ServiceEventsDocument, name === undefined ? {} : { name }, {
    onData: ({ serviceEvents }) => {
      sinceRequest.current?.push(serviceEvents);
      setRows((current) => (current ? applyServiceEvent(current, serviceEvents) : current));
    },
  });

  // A manager that could not be reached is asked again every few seconds until it answers.
  useEffect(() => {
    if (!error) {
      return;
    }
    const timer = window.setTimeout(load, 5000);
    return () => window.clearTimeout(timer);
  }, [error, load]);

  return {
    services: rows,
    error,
    streamError: stream.error,
    loading: rows === undefined && !error,
    refetch: load,
  };
}
