import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { execute, type ExecuteOptions } from './graphql-client';

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

interface QueryState<TResult> {
  data?: TResult;
  error?: Error;
  loading: boolean;
}

/** Runs a generated query document when the component mounts, and again on `refetch()`. */
export function useQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  options: Omit<ExecuteOptions, 'signal'> = {},
): QueryResult<TResult> {
  const [state, setState] = useState<QueryState<TResult>>({ loading: true });
  const [requestCount, setRequestCount] = useState(0);
  const variablesKey = JSON.stringify(variables ?? null);
  const anonymous = options.anonymous ?? false;

  useEffect(() => {
    const controller = new AbortController();
    const requestVariables = JSON.parse(variablesKey) as TVariables | null;
    execute(document, requestVariables ?? undefined, { signal: controller.signal, anonymous }).then(
      (data) => {
        if (!controller.signal.aborted) {
          setState({ data, loading: false });
        }
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        setState((previous) => ({
          data: previous.data,
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        }));
      },
    );
    return () => controller.abort();
  }, [document, variablesKey, anonymous, requestCount]);

  const refetch = useCallback(() => {
    setState((previous) => ({ ...previous, loading: true }));
    setRequestCount((count) => count + 1);
  }, []);

  return { ...state, refetch };
}
