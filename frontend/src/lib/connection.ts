import { useSyncExternalStore } from 'react';

/**
 * Whether the manager answers, as the app last saw it: any HTTP answer or an open WebSocket says
 * yes, a request that got no answer or a dropped WebSocket says no. The banner and the header read
 * it, so nothing on the page claims the manager is fine while it does not answer.
 */
let reachable = true;
const listeners = new Set<() => void>();

function set(value: boolean): void {
  if (reachable !== value) {
    reachable = value;
    for (const listener of listeners) {
      listener();
    }
  }
}

export function reportReachable(): void {
  set(true);
}

export function reportUnreachable(): void {
  set(false);
}

export function isManagerReachable(): boolean {
  return reachable;
}

export function subscribeReachability(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders when the manager stops or starts answering. */
export function useManagerReachable(): boolean {
  return useSyncExternalStore(subscribeReachability, isManagerReachable);
}
