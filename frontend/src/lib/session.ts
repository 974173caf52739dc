import { useSyncExternalStore } from 'react';

/** Where the session token and its expiry live, so a reload keeps the user signed in. */
export const TOKEN_KEY = 'daeploy.token';
export const EXPIRES_AT_KEY = 'daeploy.tokenExpiresAt';

/** Why a session ended without the user signing out: the manager rejected the token or it ran out. */
export type SessionEnd = 'expired';

export interface Session {
  /** The bearer token sent with every request, or null when signed out. */
  token: string | null;
  /** When the manager said the token stops working (ISO-8601), if known. */
  expiresAt: string | null;
  /** Set when the last session ended on its own, so the sign-in page can say why. */
  ended: SessionEnd | null;
}

const listeners = new Set<() => void>();
let ended: SessionEnd | null = null;
let snapshot: Session = { token: null, expiresAt: null, ended: null };

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) {
      window.localStorage.removeItem(key);
    } else {
      window.localStorage.setItem(key, value);
    }
  } catch {
    // Storage can be unavailable (private windows, disabled cookies); the session then lasts one page.
  }
}

function notify(): void {
  for (const listener of listeners) {
    listener();
  }
}

/** The current session, read from localStorage; the same object until something changes. */
export function getSession(): Session {
  const token = read(TOKEN_KEY) || null;
  const expiresAt = token ? read(EXPIRES_AT_KEY) : null;
  if (snapshot.token !== token || snapshot.expiresAt !== expiresAt || snapshot.ended !== ended) {
    snapshot = { token, expiresAt, ended };
  }
  return snapshot;
}

/** Calls `listener` whenever the session changes, in this tab or (through storage events) another one. */
export function subscribeSession(listener: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key === TOKEN_KEY || event.key === EXPIRES_AT_KEY) {
      listener();
    }
  };
  listeners.add(listener);
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** Keeps the session token the manager returned from `login`. */
export function startSession(token: string, expiresAt: string | null): void {
  write(TOKEN_KEY, token);
  write(EXPIRES_AT_KEY, expiresAt);
  ended = null;
  notify();
}

/**
 * Forgets the session token. `reason` tells the sign-in page why; `onlyToken` leaves a newer session
 * alone when an answer to a request made with an older token arrives late.
 */
export function endSession(reason: SessionEnd | null = null, onlyToken?: string): void {
  if (onlyToken !== undefined && read(TOKEN_KEY) !== onlyToken) {
    return;
  }
  write(TOKEN_KEY, null);
  write(EXPIRES_AT_KEY, null);
  ended = reason;
  notify();
}

/** Forgets why the last session ended, once the user has seen it. */
export function clearSessionEnd(): void {
  if (ended !== null) {
    ended = null;
    notify();
  }
}

/** The token to send now, or null. A token past its `expiresAt` is dropped instead of sent. */
export function currentToken(now: number = Date.now()): string | null {
  const { token, expiresAt } = getSession();
  if (token && expiresAt && Date.parse(expiresAt) <= now) {
    endSession('expired', token);
    return null;
  }
  return token;
}

/** The session, re-rendering the component when the user signs in or out. */
export function useSession(): Session {
  return useSyncExternalStore(subscribeSession, getSession);
}
