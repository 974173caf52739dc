import { vi } from 'vitest';
import type { GraphqlError } from '../lib/graphql-client';

/** The body of a GraphQL response, typed by the generated result type of the operation it answers. */
export interface GraphqlBody<TResult> {
  data?: TResult | null;
  errors?: GraphqlError[];
}

/** A real HTTP response carrying a GraphQL body, as the manager sends it. */
export function graphqlResponse<TResult>(body: GraphqlBody<TResult>, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/graphql-response+json' },
  });
}

/** The manager's answer to a token it no longer accepts: HTTP 401, no GraphQL body. */
export function unauthorizedResponse(): Response {
  return new Response('', { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
}

/** A GraphQL error response carrying one error with the given `extensions.code`. */
export function errorResponse(
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): Response {
  return graphqlResponse({ data: null, errors: [{ message, extensions: { code, ...extensions } }] });
}

/**
 * Replaces `fetch` (the network boundary) with a mock answering each call with the next response
 * in order; the last one repeats. Returns the mock so tests can inspect the requests sent.
 */
export function stubFetch(...responses: Array<() => Response>) {
  let call = 0;
  const fetchMock = vi.fn<typeof fetch>(async () => {
    const next = responses[Math.min(call, responses.length - 1)];
    call += 1;
    return next();
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** What a stubbed operation is answered with, given the request's variables. */
export type OperationHandler = (variables: Record<string, unknown> | undefined) => Response;

/**
 * Replaces `fetch` with a mock answering each GraphQL operation by its name, for components that send
 * several operations in no fixed order. A list of handlers answers successive calls, the last repeating.
 * An operation without a handler gets a GraphQL error naming it.
 */
export function stubOperations(handlers: Record<string, OperationHandler | OperationHandler[]>) {
  const calls = new Map<string, number>();
  const fetchMock = vi.fn<typeof fetch>(async (_input, init) => {
    const { query, variables } = JSON.parse(String(init?.body)) as {
      query: string;
      variables?: Record<string, unknown>;
    };
    const name = operationName(query);
    const handler = handlers[name];
    if (!handler) {
      return graphqlResponse({ data: null, errors: [{ message: `No stub for operation ${name}` }] });
    }
    const list = Array.isArray(handler) ? handler : [handler];
    const call = calls.get(name) ?? 0;
    calls.set(name, call + 1);
    return list[Math.min(call, list.length - 1)](variables);
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function operationName(query: string): string {
  return /\b(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1] ?? '(anonymous)';
}

/** A GraphQL request a fetch call sent: its URL, method, headers, operation name and parsed JSON body. */
export function sentRequest(fetchMock: ReturnType<typeof stubFetch>, index: number) {
  const [input, init] = fetchMock.mock.calls[index];
  const body = JSON.parse(String(init?.body)) as { query: string; variables?: Record<string, unknown> };
  return {
    url: String(input),
    method: init?.method,
    headers: new Headers(init?.headers),
    operationName: operationName(body.query),
    body,
  };
}

/** Every request sent for the named operation, in order. */
export function sentOperations(fetchMock: ReturnType<typeof stubFetch>, name: string) {
  return fetchMock.mock.calls
    .map((_call, index) => sentRequest(fetchMock, index))
    .filter((request) => request.operationName === name);
}
