import type { TypedDocumentString } from '../gql/graphql';

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
}

/**
 * Sends one query or mutation and resolves to its `data`. Any GraphQL error rejects, carrying every
 * error the manager returned (their messages are meant for users).
 */
export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  const response = await fetch(GRAPHQL_ENDPOINT, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
    },
    body: JSON.stringify({ query: document.toString(), variables }),
    signal,
  });

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
