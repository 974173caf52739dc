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

/** The GraphQL request a fetch call sent: its URL, method and parsed JSON body. */
export function sentRequest(fetchMock: ReturnType<typeof stubFetch>, index: number) {
  const [input, init] = fetchMock.mock.calls[index];
  return {
    url: String(input),
    method: init?.method,
    body: JSON.parse(String(init?.body)) as { query: string; variables?: unknown },
  };
}
