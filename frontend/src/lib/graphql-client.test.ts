import { waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ManagerDocument, ServiceEventsDocument, type ManagerQuery } from '../gql/graphql';
import { graphqlResponse, sentRequest, stubFetch } from '../testing/graphql-fetch';
import { stubSubscriptions } from '../testing/graphql-socket';
import { isManagerReachable } from './connection';
import {
  GraphqlRequestError,
  UNREACHABLE,
  execute,
  isUnreachable,
  onSessionEnded,
  resetSubscriptions,
  subscribe,
  webSocketUrl,
} from './graphql-client';

const managerAnswer = () =>
  graphqlResponse<ManagerQuery>({
    data: { manager: { version: '0.1.0', authEnabled: true, proxy: { httpPort: 5080 } } },
  });

describe('execute', () => {
  it('posts to /graphql on this origin with the session cookie and no token of its own', async () => {
    const fetchMock = stubFetch(managerAnswer);

    await execute(ManagerDocument);

    const request = sentRequest(fetchMock, 0);
    expect(request.url).toBe('/graphql');
    expect(request.method).toBe('POST');
    expect(fetchMock.mock.calls[0][1]?.credentials).toBe('same-origin');
    expect(request.headers.has('Authorization')).toBe(false);
    expect(request.body.query).toMatch(/query Manager\b/);
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
  });

  it('says in words when the manager does not answer, and marks it unreachable until it does', async () => {
    stubFetch(() => {
      throw new TypeError('Failed to fetch');
    }, managerAnswer);

    const failure = await execute(ManagerDocument).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(GraphqlRequestError);
    expect(isUnreachable(failure)).toBe(true);
    expect((failure as Error).message).not.toContain('Failed to fetch');
    expect((failure as GraphqlRequestError).withCode(UNREACHABLE)?.message).toMatch(/does not answer/);
    expect(isManagerReachable()).toBe(false);

    await execute(ManagerDocument);
    expect(isManagerReachable()).toBe(true);
  });

  it('counts a gateway’s 502 as the manager not answering', async () => {
    stubFetch(() => new Response('<html>Bad Gateway</html>', { status: 502 }));

    const failure = await execute(ManagerDocument).catch((error: unknown) => error);

    expect(isUnreachable(failure)).toBe(true);
  });

  it('tells the app when the manager says nobody is signed in', async () => {
    stubFetch(() =>
      graphqlResponse({
        data: null,
        errors: [{ message: 'Sign in', extensions: { code: 'UNAUTHENTICATED' } }],
      }),
    );
    const ended = vi.fn();
    const stop = onSessionEnded(ended);

    await expect(execute(ManagerDocument)).rejects.toBeInstanceOf(GraphqlRequestError);

    expect(ended).toHaveBeenCalledOnce();
    stop();
  });
});

describe('subscribe', () => {
  it('opens one socket on this origin, sends no token in connection_init, and delivers events', async () => {
    const server = stubSubscriptions();
    const events: unknown[] = [];

    const stop = subscribe(ServiceEventsDocument, {}, { next: (data) => events.push(data) });
    await waitFor(() => expect(server.subscriptions('ServiceEvents')).toHaveLength(1));

    expect(server.sockets[0].url).toBe('ws://localhost:3000/graphql');
    expect(server.sockets[0].protocol).toBe('graphql-transport-ws');
    expect(server.initPayloads).toEqual([undefined]);

    const event = { serviceEvents: { kind: 'KILLED', name: 'hello', version: '1.0.0', service: null } };
    server.next('ServiceEvents', event);
    expect(events).toEqual([event]);
    stop();
  });

  it('ends subscriptions and the session when the manager closes the socket with 4401', async () => {
    const server = stubSubscriptions();
    const ended = vi.fn();
    const stopListening = onSessionEnded(ended);
    const error = vi.fn();

    subscribe(ServiceEventsDocument, {}, { next: () => {}, error });
    await waitFor(() => expect(server.subscriptions('ServiceEvents')).toHaveLength(1));
    server.close(4401, 'Unauthorized');

    await waitFor(() => expect(error).toHaveBeenCalled());
    expect(error.mock.calls[0][0].withCode('UNAUTHENTICATED')).toBeDefined();
    expect(ended).toHaveBeenCalled();
    stopListening();
  });

  it('reconnects after the socket drops and subscribes again', async () => {
    const server = stubSubscriptions();
    subscribe(ServiceEventsDocument, {}, { next: () => {} });
    await waitFor(() => expect(server.subscriptions('ServiceEvents')).toHaveLength(1));

    server.close(1006);
    expect(isManagerReachable()).toBe(false);

    await waitFor(() => expect(server.subscriptions('ServiceEvents')).toHaveLength(1), { timeout: 3000 });
    expect(server.sockets.length).toBe(2);
    expect(isManagerReachable()).toBe(true);
    resetSubscriptions();
  });
});

describe('webSocketUrl', () => {
  it('uses wss on an https page and the page’s own host', () => {
    expect(webSocketUrl({ protocol: 'https:', host: 'ops.example:5081' } as Location)).toBe(
      'wss://ops.example:5081/graphql',
    );
  });
});
