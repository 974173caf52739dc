import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../gql/graphql';
import { reportReachable, reportUnreachable } from './connection';

/**
 * The one GraphQL client of the app: HTTP for queries and mutations, `graphql-ws` for subscriptions,
 * both on the page's own origin and both authenticated by the browser session alone (the httpOnly
 * cookie `daeploy`, which no script can read). Nothing here keeps a token.
 */
export const GRAPHQL_ENDPOINT = '/graphql';

/** One entry of a GraphQL response's `errors`, with the manager's `extensions.code` when it set one. */
export interface GraphqlError {
  message: string;
  extensions?: { code?: string; classification?: string; field?: string; [key: string]: unknown };
}

interface GraphqlResponse<TResult> {
  data?: TResult | null;
  errors?: GraphqlError[];
}

/** The code an error carries when the manager did not answer at all. */
export const UNREACHABLE = 'MANAGER_UNREACHABLE';

export const UNREACHABLE_MESSAGE = 'The manager does not answer. Is it running, and is this machine online?';

/** A request that did not produce data: GraphQL errors, an HTTP failure or no answer at all. */
export class GraphqlRequestError extends Error {
  readonly errors: GraphqlError[];
  readonly status?: number;

  constructor(errors: GraphqlError[], status?: number) {
    super(errors.map((error) => error.message).join('\n'));
    this.name = 'GraphqlRequestError';
    this.errors = errors;
    this.status = status;
  }

  /** The first error carrying `extensions.code` equal to `code`, if any. */
  withCode(code: string): GraphqlError | undefined {
    return this.errors.find((error) => error.extensions?.code === code);
  }
}

/** The first error of `error` with the given `extensions.code`, if `error` came from the manager. */
export function errorWithCode(error: unknown, code: string): GraphqlError | undefined {
  return error instanceof GraphqlRequestError ? error.withCode(code) : undefined;
}

/** Whether `error` says the manager did not answer (rather than answered with an error). */
export function isUnreachable(error: unknown): boolean {
  return errorWithCode(error, UNREACHABLE) !== undefined;
}

const sessionEndListeners = new Set<() => void>();

/** Calls `listener` when the manager says the caller is not (or no longer) signed in. */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndListeners.add(listener);
  return () => sessionEndListeners.delete(listener);
}

function sessionEnded(): void {
  for (const listener of sessionEndListeners) {
    listener();
  }
}

export interface ExecuteOptions {
  signal?: AbortSignal;
}

/**
 * Sends one query or mutation and resolves to its `data`. Any GraphQL error rejects, carrying every
 * error the manager returned (their messages are meant for users); no answer at all rejects with
 * the code {@link UNREACHABLE}.
 */
export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  options: ExecuteOptions = {},
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_ENDPOINT, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: options.signal,
    });
  } catch (caught) {
    if (options.signal?.aborted) {
      throw caught;
    }
    reportUnreachable();
    throw new GraphqlRequestError([{ message: UNREACHABLE_MESSAGE, extensions: { code: UNREACHABLE } }]);
  }

  // A gateway in front of the manager answers these when the manager itself does not.
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    reportUnreachable();
    throw new GraphqlRequestError(
      [{ message: UNREACHABLE_MESSAGE, extensions: { code: UNREACHABLE } }],
      response.status,
    );
  }
  reportReachable();

  let body: GraphqlResponse<TResult> | undefined;
  try {
    body = (await response.json()) as GraphqlResponse<TResult>;
  } catch {
    body = undefined;
  }

  if (
    response.status === 401 ||
    body?.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED')
  ) {
    sessionEnded();
  }
  if (body?.errors?.length) {
    throw new GraphqlRequestError(body.errors, response.status);
  }
  if (!response.ok || body?.data == null) {
    const reason = response.ok ? 'an answer without data' : `HTTP ${response.status}`;
    throw new GraphqlRequestError([{ message: `The manager answered with ${reason}.` }], response.status);
  }
  return body.data;
}

/** What a subscription reports to its subscriber. */
export interface SubscriptionSink<TResult> {
  next: (data: TResult) => void;
  /** The subscription failed and ended: GraphQL errors, or the socket closed for good. */
  error?: (error: GraphqlRequestError) => void;
  /** The server ended the subscription (for example a log whose container stopped). */
  complete?: () => void;
}

/** Close code of a socket whose session is not (or no longer) valid. */
const UNAUTHORIZED_CLOSE = 4401;
const FORBIDDEN_CLOSE = 4403;

let socket: Client | null = null;
const reconnectListeners = new Set<() => void>();

/** The WebSocket URL of the manager on this page's own origin. */
export function webSocketUrl(location: Location = window.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${GRAPHQL_ENDPOINT}`;
}

function closeCode(event: unknown): number | undefined {
  return typeof event === 'object' && event !== null && 'code' in event
    ? Number((event as { code: unknown }).code)
    : undefined;
}

/**
 * The shared `graphql-ws` client, made on first use. The browser sends the session cookie with the
 * handshake, which is how the manager knows who subscribes; `connection_init` carries nothing. It
 * reconnects for as long as the page is open (waiting up to 5 s between attempts), except when the
 * manager closes the socket because the session is not valid: that ends the subscriptions and
 * returns the app to its sign-in page.
 */
export function subscriptionClient(): Client {
  if (!socket) {
    socket = createClient({
      url: webSocketUrl(),
      lazy: true,
      lazyCloseTimeout: 1000,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: (event) => {
        const code = closeCode(event);
        return code !== UNAUTHORIZED_CLOSE && code !== FORBIDDEN_CLOSE;
      },
      retryWait: (retries) =>
        new Promise((resolve) =>
          setTimeout(resolve, Math.min(5000, 300 * 2 ** retries) + Math.random() * 300),
        ),
      on: {
        connected: (_socket, _payload, wasRetry) => {
          reportReachable();
          if (wasRetry) {
            for (const listener of reconnectListeners) {
              listener();
            }
          }
        },
        closed: (event) => {
          const code = closeCode(event);
          if (code === UNAUTHORIZED_CLOSE) {
            sessionEnded();
          } else if (code !== 1000 && code !== undefined && code < 4000) {
            // 1006 and the like: the manager went away (a normal close is the client's own)
            reportUnreachable();
          }
        },
      },
    });
  }
  return socket;
}

/**
 * Calls `listener` each time the socket is open again after it dropped. Subscriptions resume by
 * themselves, but whatever happened meanwhile was missed: lists refetch on this.
 */
export function onReconnected(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

/**
 * Closes the socket and forgets it, so that the next subscription opens a new one with the cookie
 * the browser holds now: after signing in or out.
 */
export function resetSubscriptions(): void {
  const closing = socket;
  socket = null;
  void closing?.dispose();
}

/** Starts a subscription; returns the function that ends it. */
export function subscribe<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables | undefined,
  sink: SubscriptionSink<TResult>,
): () => void {
  return subscriptionClient().subscribe<TResult>(
    { query: document.toString(), variables: (variables ?? {}) as Record<string, unknown> },
    {
      next: (message) => {
        if (message.errors?.length) {
          sink.error?.(new GraphqlRequestError(message.errors as GraphqlError[]));
        } else if (message.data) {
          sink.next(message.data as TResult);
        }
      },
      error: (caught) => {
        const code = closeCode(caught);
        if (Array.isArray(caught)) {
          sink.error?.(new GraphqlRequestError(caught as GraphqlError[]));
        } else if (code === UNAUTHORIZED_CLOSE) {
          sink.error?.(
            new GraphqlRequestError([
              { message: 'You are not signed in.', extensions: { code: 'UNAUTHENTICATED' } },
            ]),
          );
        } else {
          sink.error?.(
            new GraphqlRequestError([{ message: UNREACHABLE_MESSAGE, extensions: { code: UNREACHABLE } }]),
          );
        }
      },
      complete: () => sink.complete?.(),
    },
  );
}
