import { useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { subscribe, type GraphqlRequestError } from './graphql-client';

export interface SubscriptionOptions<TResult> {
  /** Called with each event, in order. Not a dependency: the latest function is always used. */
  onData: (data: TResult) => void;
  /** Called when the server ends the subscription. */
  onComplete?: () => void;
  /** Subscribes to nothing while true. */
  skip?: boolean;
}

export interface SubscriptionState {
  /** Why the subscription ended with an error, if it did. */
  error?: GraphqlRequestError;
  /** Whether the server ended it. */
  completed: boolean;
}

/**
 * Subscribes to a generated subscription document while the component is shown, and again when its
 * variables change. Events go to `onData` rather than into state, so a stream of many events (log
 * lines) costs no render per event unless the caller wants one.
 */
export function useSubscription<TResult, TVariables>(
  subscription: TypedDocumentString<TResult, TVariables>,
  variables: TVariables | undefined,
  options: SubscriptionOptions<TResult>,
): SubscriptionState {
  // the state belongs to one subscription: a new one (new variables) starts clean
  const variablesKey = JSON.stringify(variables ?? null);
  const skip = options.skip ?? false;
  const [state, setState] = useState<SubscriptionState & { key: string }>({
    key: variablesKey,
    completed: false,
  });
  const callbacks = useRef(options);

  useEffect(() => {
    callbacks.current = options;
  });

  useEffect(() => {
    if (skip) {
      return;
    }
    const requestVariables = JSON.parse(variablesKey) as TVariables | null;
    return subscribe(subscription, requestVariables ?? undefined, {
      next: (data) => callbacks.current.onData(data),
      error: (error) => setState({ key: variablesKey, error, completed: false }),
      complete: () => {
        setState({ key: variablesKey, completed: true });
        callbacks.current.onComplete?.();
      },
    });
  }, [subscription, variablesKey, skip]);

  return state.key === variablesKey
    ? { error: state.error, completed: state.completed }
    : { completed: false };
}
