import { reportReachable, reportUnreachable } from './connection';
import { UNREACHABLE_MESSAGE, resetSubscriptions } from './graphql-client';

/**
 * The browser session: `POST /auth/login` on the dashboard's own origin sets the httpOnly cookie
 * `daeploy`, `POST /auth/logout` clears it. The browser sends the cookie with every request the app
 * makes (GraphQL over HTTP and the WebSocket handshake); the app itself never sees a token, keeps
 * nothing in storage, and learns who is signed in from `{ me { name role } }`.
 */

export interface SignedInUser {
  username: string;
  role: string;
}

export type SignInOutcome =
  | { ok: true; user: SignedInUser; expiresAt: string }
  | { ok: false; code: string; message: string; retryAfterSeconds?: number };

/** Signs in; on success the cookie is set and the subscription socket is reopened with it. */
export async function signIn(username: string, password: string): Promise<SignInOutcome> {
  let response: Response;
  try {
    response = await fetch('/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    reportUnreachable();
    return { ok: false, code: 'MANAGER_UNREACHABLE', message: UNREACHABLE_MESSAGE };
  }
  reportReachable();
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // an answer without JSON: described below by its status
  }
  if (response.ok && typeof body.user === 'object' && body.user !== null) {
    resetSubscriptions();
    return { ok: true, user: body.user as SignedInUser, expiresAt: String(body.expiresAt ?? '') };
  }
  const seconds = Number(body.retryAfterSeconds);
  return {
    ok: false,
    code: typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
    message:
      typeof body.message === 'string' ? body.message : `The manager answered with HTTP ${response.status}.`,
    retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined,
  };
}

/**
 * Signs out: the manager revokes the session and clears the cookie. The socket is closed either
 * way; the user asked to leave.
 */
export async function signOut(): Promise<void> {
  try {
    await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
  } catch {
    // the cookie expires on its own; the app forgets the user regardless
  } finally {
    resetSubscriptions();
  }
}

/**
 * Where a sign-in may send the browser afterwards (`destination` of `/auth/login?destination=...`):
 * a path of this dashboard, or a URL on this page's host name at the services' or the dashboard's
 * port; anything else (another host, `//host`, `javascript:`) is refused, so a link to the sign-in
 * page cannot send users elsewhere. The manager applies the same rule to its form.
 */
export function safeDestination(
  destination: string | null,
  servicesPort: number | undefined,
  location: Location = window.location,
): string | null {
  if (!destination || [...destination].some((char) => char < ' ' || char === '\\')) {
    return null;
  }
  if (destination.startsWith('/') && !destination.startsWith('//')) {
    return destination;
  }
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return null;
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const ownPort = location.port ? Number(location.port) : location.protocol === 'https:' ? 443 : 80;
  const ours =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.hostname === location.hostname &&
    (port === servicesPort || port === ownPort);
  return ours ? url.toString() : null;
}
