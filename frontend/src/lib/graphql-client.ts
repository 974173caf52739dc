import type { TypedDocumentString } from '../gql/graphql';
import { currentToken, endSession } from './session';

/** The manager answers GraphQL over HTTP on the same origin that serves this app. */
export const GRAPHQL_ENDPOINT = '/graphql';

/** One entry of a GraphQL response's `errors`, with the manager's `extensions.code` when it set one. */
export interface GraphqlError {
  message: string;
  extensions?: { code?: string; classification?: string; [key: string]: unknown };
}

interface GraphqlResponse<TResult> {
  data?: TResult | null;
  errors?: GraphqlError[];
}

/** A request that did not produce data: GraphQL errors, an HTTP failure or an unreadable answer. */
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

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Send no token: for the public operations (`manager`, `login`), which a stale token must not break. */
  anonymous?: boolean;
}

/** What a request answered with HTTP 401 rejects with; the session is gone by then. */
export const SESSION_ENDED_MESSAGE = 'Your session has expired or was revoked. Sign in again.';

/**
 * Sends one query or mutation and resolves to its `data`. Any GraphQL error rejects, carrying every
 * error the manager returned (their messages are meant for users).
 *
 * The session token goes along as `Authorization: Bearer`. The manager answers HTTP 401 to a token it
 * no longer accepts (expired, revoked, forged): the token is then dropped, which returns the app to
 * its sign-in page.
 */
export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  options: ExecuteOptions = {},
): Promise<TResult> {
  const token = options.anonymous ? null : currentToken();
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/graphql-response+json, application/json',
  };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }

  const response = await fetch(GRAPHQL_ENDPOINT, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: document.toString(), variables }),
    signal: options.signal,
  });

  if (response.status === 401) {
    if (token) {
      endSession('expired', token);
    }
    throw new GraphqlRequestError(
      [{ message: SESSION_ENDED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }],
      401,
    );
  }

  let body: GraphqlResponse<TResult> | undefined;
  try {
    body = (await response.json()) as GraphqlResponse<TResult>;
  } catch {
    body = undefined;
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
