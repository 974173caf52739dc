import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type {
  LoginMutation,
  LogoutMutation,
  ManagerQuery,
  Role,
  ServicesQuery,
  SessionQuery,
  TokensQuery,
  UsersQuery,
} from '../gql/graphql';
import { TOKEN_KEY, EXPIRES_AT_KEY, startSession } from '../lib/session';
import {
  graphqlResponse,
  sentOperations,
  stubOperations,
  unauthorizedResponse,
  type OperationHandler,
} from '../testing/graphql-fetch';
import { App } from './app';

const runtime: SessionQuery['runtime'] = {
  kind: 'docker',
  available: true,
  version: '27.5.1',
  message: null,
};

function manager(authEnabled: boolean): OperationHandler {
  return () =>
    graphqlResponse<ManagerQuery>({
      data: { manager: { version: '0.1.0', hostName: 'localhost', authEnabled } },
    });
}

function viewer(name: string, role: Role): OperationHandler {
  return () => graphqlResponse<SessionQuery>({ data: { me: { name, role, tokenKind: 'SESSION' }, runtime } });
}

const anonymousViewer: OperationHandler = () =>
  graphqlResponse<SessionQuery>({
    data: { me: { name: 'anonymous', role: 'USER', tokenKind: null }, runtime },
  });

const noServices: OperationHandler = () => graphqlResponse<ServicesQuery>({ data: { services: [] } });
const noTokens: OperationHandler = () => graphqlResponse<TokensQuery>({ data: { tokens: [] } });
const someUsers: OperationHandler = () =>
  graphqlResponse<UsersQuery>({
    data: { users: [{ username: 'admin', role: 'ADMIN', createdAt: '2026-11-01T10:00:00Z' }] },
  });

function navLinks(): string[] {
  const nav = screen.queryByRole('navigation', { name: 'Sections' });
  return nav
    ? within(nav)
        .getAllByRole('link')
        .map((link) => link.textContent ?? '')
    : [];
}

describe('App', () => {
  it('asks for a sign-in when auth is on, stores the session token and sends it on the next request', async () => {
    const fetchMock = stubOperations({
      Manager: manager(true),
      Login: () =>
        graphqlResponse<LoginMutation>({
          data: {
            login: {
              token: 'session-token-1',
              expiresAt: '2999-12-02T07:00:00Z',
              user: { username: 'alice', role: 'USER' },
            },
          },
        }),
      Session: viewer('alice', 'USER'),
      Services: noServices,
    });

    render(<App />);

    await screen.findByRole('heading', { name: 'Sign in' });
    expect(sentOperations(fetchMock, 'Services')).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('User name'), { target: { value: 'alice' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('heading', { name: /services/i });
    const [login] = sentOperations(fetchMock, 'Login');
    expect(login.body.variables).toEqual({ input: { username: 'alice', password: 'correct horse' } });
    expect(login.headers.has('Authorization')).toBe(false);
    expect(localStorage.getItem(TOKEN_KEY)).toBe('session-token-1');
    expect(localStorage.getItem(EXPIRES_AT_KEY)).toBe('2999-12-02T07:00:00Z');

    for (const request of [
      ...sentOperations(fetchMock, 'Session'),
      ...sentOperations(fetchMock, 'Services'),
    ]) {
      expect(request.headers.get('Authorization')).toBe('Bearer session-token-1');
    }
    expect(sentOperations(fetchMock, 'Services')).toHaveLength(1);

    const header = document.querySelector<HTMLElement>('.app-header')!;
    expect(await within(header).findByText('alice')).toBeTruthy();
    expect(within(header).getByText('User')).toBeTruthy();
    expect(within(header).getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('keeps a stored session across reloads and sends its token', async () => {
    startSession('stored-token', '2999-01-01T00:00:00Z');
    const fetchMock = stubOperations({
      Manager: manager(true),
      Session: viewer('alice', 'USER'),
      Services: noServices,
    });

    render(<App />);

    expect(await screen.findByText('alice')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Sign in' })).toBeNull();
    expect(sentOperations(fetchMock, 'Services')[0].headers.get('Authorization')).toBe('Bearer stored-token');
    // The public query goes without the token, so a stale one cannot break it.
    expect(sentOperations(fetchMock, 'Manager')[0].headers.has('Authorization')).toBe(false);
  });

  it('drops the token on HTTP 401 and returns to the sign-in page, saying why', async () => {
    startSession('revoked-token', '2999-01-01T00:00:00Z');
    stubOperations({
      Manager: manager(true),
      Session: unauthorizedResponse,
      Services: unauthorizedResponse,
    });

    render(<App />);

    await screen.findByRole('heading', { name: 'Sign in' });
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(localStorage.getItem(EXPIRES_AT_KEY)).toBeNull();
    expect(screen.getByText('Your session has expired or was revoked. Sign in again.')).toBeTruthy();
  });

  it('signs out: calls logout with the token, then forgets it', async () => {
    startSession('session-token-2', '2999-01-01T00:00:00Z');
    const fetchMock = stubOperations({
      Manager: manager(true),
      Session: viewer('alice', 'USER'),
      Services: noServices,
      Logout: () => graphqlResponse<LogoutMutation>({ data: { logout: { revoked: true } } }),
    });

    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));

    await screen.findByRole('heading', { name: 'Sign in' });
    const [logout] = sentOperations(fetchMock, 'Logout');
    expect(logout.headers.get('Authorization')).toBe('Bearer session-token-2');
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(screen.queryByText('Your session has expired or was revoked. Sign in again.')).toBeNull();
  });

  it('hides the Users page from a USER, even when asked for by address', async () => {
    startSession('user-token', null);
    window.location.hash = '#/users';
    const fetchMock = stubOperations({
      Manager: manager(true),
      Session: viewer('alice', 'USER'),
      Services: noServices,
    });

    render(<App />);

    await screen.findByRole('heading', { name: /services/i });
    expect(navLinks()).toEqual(['Services', 'Tokens', 'Account']);
    expect(screen.queryByRole('heading', { name: /users/i })).toBeNull();
    expect(sentOperations(fetchMock, 'Users')).toHaveLength(0);
  });

  it('shows the Users page to an ADMIN and switches pages by the section links', async () => {
    startSession('admin-token', null);
    const fetchMock = stubOperations({
      Manager: manager(true),
      Session: viewer('admin', 'ADMIN'),
      Services: noServices,
      Tokens: noTokens,
      Users: someUsers,
    });

    render(<App />);

    await waitFor(() => expect(navLinks()).toEqual(['Services', 'Tokens', 'Users', 'Account']));
    const usersLink = screen.getByRole('link', { name: 'Users' });
    expect(usersLink.getAttribute('href')).toBe('#/users');

    window.location.hash = '#/users';
    await screen.findByRole('heading', { name: /^users/i });
    expect(screen.getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page');
    expect(sentOperations(fetchMock, 'Users')[0].headers.get('Authorization')).toBe('Bearer admin-token');

    window.location.hash = '#/tokens';
    await screen.findByRole('heading', { name: /^api tokens/i });
    expect(screen.getByRole('link', { name: 'Tokens' }).getAttribute('aria-current')).toBe('page');
  });

  it('works without a sign-in when auth is off, offering one for user administration', async () => {
    const fetchMock = stubOperations({
      Manager: manager(false),
      Session: anonymousViewer,
      Services: noServices,
    });

    render(<App />);

    await screen.findByText('No services deployed.');
    expect(sentOperations(fetchMock, 'Services')[0].headers.has('Authorization')).toBe(false);
    expect(navLinks()).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();

    const signIn = screen.getByRole('link', { name: 'Sign in' });
    expect(signIn.getAttribute('href')).toBe('#/sign-in');
    window.location.hash = '#/sign-in';

    await screen.findByRole('heading', { name: 'Sign in' });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText('No services deployed.')).toBeTruthy();
  });

  it('says so when the manager cannot be reached', async () => {
    stubOperations({ Manager: () => new Response('', { status: 503 }) });

    render(<App />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not reach the manager');
    expect(alert.textContent).toContain('The manager answered with HTTP 503.');
    expect(screen.getByText('Manager unreachable')).toBeTruthy();
  });
});
