import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { execute } from './graphql-client';

export interface MutationResult<TResult, TVariables> {
  /** Sends the mutation; resolves to its data or to why it failed (also kept in `data` and `error`). */
  mutate: (variables: TVariables) => Promise<MutationOutcome<TResult>>;
  /** The data of the last successful call. */
  data?: TResult;
  /** Why the last call failed; cleared by the next call. */
  error?: Error;
  /** Whether a call is in flight. */
  loading: boolean;
  /** Forgets the last call's data and error. */
  reset: () => void;
}

/** How one call ended: exactly one of the two is set. */
export interface MutationOutcome<TResult> {
  data?: TResult;
  error?: Error;
}

interface MutationState<TResult> {
  data?: TResult;
  error?: Error;
  loading: boolean;
}

/** Sends a generated mutation document on demand and tracks the call's state. */
export function useMutation<TResult, TVariables>(
  mutation: TypedDocumentString<TResult, TVariables>,
): MutationResult<TResult, TVariables> {
  const [state, setState] = useState<MutationState<TResult>>({ loading: false });
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const mutate = useCallback(
    async (variables: TVariables): Promise<MutationOutcome<TResult>> => {
      setState({ loading: true });
      try {
        const data = await execute(mutation, variables);
        if (mounted.current) {
          setState({ data, loading: false });
        }
        return { data };
      } catch (caught: unknown) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        if (mounted.current) {
          setState({ error, loading: false });
        }
        return { error };
      }
    },
    [mutation],
  );

  const reset = useCallback(() => setState({ loading: false }), []);

  return { ...state, mutate, reset };
}
