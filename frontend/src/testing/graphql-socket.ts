import { act } from '@testing-library/react';
import { vi } from 'vitest';

/** A subscription the app started on the fake socket. */
export interface OpenSubscription {
  id: string;
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * A stand-in for the manager's `graphql-transport-ws` endpoint, installed as the browser's
 * WebSocket: it acknowledges `connection_init`, records each `subscribe`, and lets a test push
 * events (`next`), end a subscription (`complete`) or drop the socket, as the manager would.
 */
export class FakeSubscriptionServer {
  readonly sockets: FakeWebSocket[] = [];
  /** Every `connection_init` payload received, in order. */
  readonly initPayloads: unknown[] = [];
  /** Subscriptions open now, in order of subscribing. */
  readonly open: OpenSubscription[] = [];
  /** Whether connections are acknowledged (false: the manager is away and sockets fail). */
  up = true;

  /** The open subscriptions of one operation. */
  subscriptions(operationName: string): OpenSubscription[] {
    return this.open.filter((subscription) => subscription.operationName === operationName);
  }

  /** Sends an event to every open subscription of the operation; returns how many got it. */
  next(operationName: string, data: unknown): number {
    const targets = this.subscriptions(operationName);
    act(() => {
      for (const target of targets) {
        this.send({ type: 'next', id: target.id, payload: { data } });
      }
    });
    return targets.length;
  }

  /** Sends GraphQL errors to the operation's subscriptions, which ends them. */
  fail(
    operationName: string,
    errors: Array<{ message: string; extensions?: Record<string, unknown> }>,
  ): void {
    const targets = this.subscriptions(operationName);
    act(() => {
      for (const target of targets) {
        this.send({ type: 'error', id: target.id, payload: errors });
        this.forget(target.id);
      }
    });
  }

  complete(operationName: string): void {
    const targets = this.subscriptions(operationName);
    act(() => {
      for (const target of targets) {
        this.send({ type: 'complete', id: target.id });
        this.forget(target.id);
      }
    });
  }

  /** Closes the current socket as the manager does, e.g. 4401 for a session that ended. */
  close(code: number, reason = ''): void {
    act(() => {
      this.current()?.serverClose(code, reason);
    });
    this.open.length = 0;
  }

  current(): FakeWebSocket | undefined {
    return this.sockets.filter((socket) => socket.readyState === FakeWebSocket.OPEN).at(-1);
  }

  send(message: unknown): void {
    this.current()?.receive(JSON.stringify(message));
  }

  forget(id: string): void {
    const index = this.open.findIndex((subscription) => subscription.id === id);
    if (index !== -1) {
      this.open.splice(index, 1);
    }
  }

  handle(socket: FakeWebSocket, raw: string): void {
    const message = JSON.parse(raw) as { type: string; id?: string; payload?: Record<string, unknown> };
    switch (message.type) {
      case 'connection_init':
        this.initPayloads.push(message.payload);
        socket.receive(JSON.stringify({ type: 'connection_ack' }));
        break;
      case 'ping':
        socket.receive(JSON.stringify({ type: 'pong' }));
        break;
      case 'subscribe': {
        const query = String(message.payload?.query ?? '');
        this.open.push({
          id: String(message.id),
          query,
          operationName: /\bsubscription\s+(\w+)/.exec(query)?.[1] ?? '(anonymous)',
          variables: (message.payload?.variables ?? {}) as Record<string, unknown>,
        });
        break;
      }
      case 'complete':
        this.forget(String(message.id));
        break;
    }
  }
}

export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static server: FakeSubscriptionServer;

  readonly url: string;
  readonly protocol: string;
  readyState = FakeWebSocket.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(url: string, protocol?: string | string[]) {
    this.url = url;
    this.protocol = Array.isArray(protocol) ? protocol[0] : (protocol ?? '');
    const server = FakeWebSocket.server;
    server.sockets.push(this);
    setTimeout(() => {
      if (!server.up) {
        this.serverClose(1006, '');
        return;
      }
      this.readyState = FakeWebSocket.OPEN;
      this.onopen?.(new Event('open'));
    }, 0);
  }

  send(data: string): void {
    FakeWebSocket.server.handle(this, data);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === FakeWebSocket.CLOSED) {
      return;
    }
    this.readyState = FakeWebSocket.CLOSED;
    setTimeout(() => this.onclose?.({ code, reason, wasClean: true } as CloseEvent), 0);
  }

  receive(data: string): void {
    this.onmessage?.({ data } as MessageEvent);
  }

  serverClose(code: number, reason: string): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: code < 4000 } as CloseEvent);
  }
}

/** Installs the fake manager socket for this test; returns its server side. */
export function stubSubscriptions(): FakeSubscriptionServer {
  const server = new FakeSubscriptionServer();
  FakeWebSocket.server = server;
  vi.stubGlobal('WebSocket', FakeWebSocket);
  return server;
}
