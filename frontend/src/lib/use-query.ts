import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { execute, onReconnected } from './graphql-client';

export interface QueryResult<TResult> {
  /** The last data received; kept while a refetch runs or after it fails. */
  data?: TResult;
  /** Why the last request failed; cleared by the next success. */
  error?: Error;
  /** Whether a request is in flight. */
  loading: boolean;
  /** Sends the query again. */
  refetch: () => void;
}

export interface QueryOptions {
  /** Sends nothing while true. */
  skip?: boolean;
  /** Sends the query again every this many milliseconds while the component is shown. */
  pollInterval?: number;
  /** Sends the query again when the subscription socket is back after a drop (default true). */
  refetchOnReconnect?: boolean;
}

interface QueryState<TResult> {
  data?: TResult;
  error?: Error;
  loading: boolean;
}

/** Runs a generated query document when the component mounts, and again on `refetch()`. */
export function useQuery<TResult, TVariables>(
  query: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  options: QueryOptions = {},
): QueryResult<TResult> {
  const { skip = false, pollInterval, refetchOnReconnect = true } = options;
  const [state, setState] = useState<QueryState<TResult>>({ loading: !skip });
  const [requestCount, setRequestCount] = useState(0);
  const variablesKey = JSON.stringify(variables ?? null);
  const inFlight = useRef(false);

  useEffect(() => {
    if (skip) {
      return;
    }
    const controller = new AbortController();
    const requestVariables = JSON.parse(variablesKey) as TVariables | null;
    inFlight.current = true;
    execute(query, requestVariables ?? undefined, { signal: controller.signal }).then(
      (data) => {
        if (!controller.signal.aborted) {
          inFlight.current = false;
          setState({ data, loading: false });
        }
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        inFlight.current = false;
        setState((previous) => ({
          data: previous.data,
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        }));
      },
    );
    return () => controller.abort();
  }, [query, variablesKey, skip, requestCount]);

  const refetch = useCallback(() => {
    setState((previous) => ({ ...previous, loading: true }));
    setRequestCount((count) => count + 1);
  }, []);

  useEffect(() => {
    if (skip || !pollInterval) {
      return;
    }
    const timer = window.setInterval(() => {
      // a slow manager gets one request at a time, not a queue of them
      if (!inFlight.current && document.visibilityState !== 'hidden') {
        setRequestCount((count) => count + 1);
      }
    }, pollInterval);
    return () => window.clearInterval(timer);
  }, [skip, pollInterval]);

  useEffect(() => {
    if (skip || !refetchOnReconnect) {
      return;
    }
    return onReconnected(() => setRequestCount((count) => count + 1));
  }, [skip, refetchOnReconnect]);

  return { ...state, loading: skip ? false : state.loading, refetch };
}
