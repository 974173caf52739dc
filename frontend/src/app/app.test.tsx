import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LicenceQuery, ManagerQuery, RuntimeQuery, ServicesQuery, ViewerQuery } from '../gql/graphql';
import {
  graphqlResponse,
  sentOperations,
  stubFetch,
  stubOperations,
  type OperationHandler,
} from '../testing/graphql-fetch';
import { App } from './app';

const manager =
  (authEnabled = true): OperationHandler =>
  () =>
    graphqlResponse<ManagerQuery>({
      data: { manager: { version: '0.1.0', authEnabled, proxy: { httpPort: 5080 } } },
    });

const viewer =
  (me: ViewerQuery['me']): OperationHandler =>
  () =>
    graphqlResponse<ViewerQuery>({ data: { me } });

const runtime =
  (available = true): OperationHandler =>
  () =>
    graphqlResponse<RuntimeQuery>({
      data: {
        runtime: available
          ? { kind: 'docker', available: true, version: '26.1.5', message: null }
          : {
              kind: 'docker',
              available: false,
              version: null,
              message: 'Cannot connect to unix:///var/run/docker.sock',
            },
      },
    });

const noServices: OperationHandler = () => graphqlResponse<ServicesQuery>({ data: { services: [] } });
const noNotifications: OperationHandler = () =>
  graphqlResponse({ data: { notifications: { notifications: [], hasMore: false } } });

const admin: ViewerQuery['me'] = { name: 'admin', role: 'ADMIN', tokenKind: 'SESSION' };
const alice: ViewerQuery['me'] = { name: 'alice', role: 'USER', tokenKind: 'SESSION' };

function open(path: string) {
  window.history.replaceState(null, '', path);
  return render(<App />);
}

function signedIn(me: ViewerQuery['me'], extra: Record<string, OperationHandler | OperationHandler[]> = {}) {
  return stubOperations({
    Manager: manager(),
    Viewer: viewer(me),
    Runtime: runtime(),
    Services: noServices,
    Notifications: noNotifications,
    ...extra,
  });
}

describe('App', () => {
  it('shows a not-found page for a route that does not exist, not some other page', async () => {
    signedIn(alice);
    open('/no/such/page');

    expect(await screen.findByRole('heading', { name: 'No such page' })).toBeTruthy();
    expect(screen.getByText('/no/such/page')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: /^Services/ })).toBeNull();
  });

  it('loads a deep link straight into its page', async () => {
    signedIn(alice, {
      Services: () => graphqlResponse<ServicesQuery>({ data: { services: [] } }),
    });
    open('/services/hello/1.0.0');

    expect(await screen.findByRole('heading', { name: 'No service “hello”' })).toBeTruthy();
  });

  it('asks to sign in when authentication is on and nobody is, then opens the app', async () => {
    const fetchMock = signedIn(null, { Viewer: [viewer(null), viewer(alice)] });
    const login = stubLogin(fetchMock);
    open('/');

    fireEvent.change(await screen.findByLabelText('User name'), { target: { value: 'alice' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: /^Services/ })).toBeTruthy();
    expect(login).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Account of alice' })).toBeTruthy();
  });

  it('says the manager does not answer, in the header too, and never that Docker is connected', async () => {
    stubFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    open('/');

    expect((await screen.findByRole('alert')).textContent).toContain('The manager does not answer');
    expect(screen.getByText('Manager unreachable')).toBeTruthy();
    expect(screen.queryByText(/connected/)).toBeNull();
    expect(screen.queryByText('No services deployed.')).toBeNull();
  });

  it('shows the licence in the header only when it needs attention', async () => {
    const licence =
      (state: LicenceQuery['licence']['state']): OperationHandler =>
      () =>
        graphqlResponse<LicenceQuery>({
          data: { licence: { state, holder: 'ACME Ltd', expiresAt: '2027-01-05T00:00:00Z' } },
        });
    signedIn(alice, { Licence: licence('EXPIRED') });
    const expired = open('/');
    expect((await screen.findByText(/Licence expired/)).textContent).toContain(
      'no new deploys, users or tokens',
    );
    expired.unmount();

    signedIn(alice, { Licence: licence('EXPIRING') });
    const expiring = open('/');
    expect(await screen.findByText('Licence expires 2027-01-05')).toBeTruthy();
    expiring.unmount();

    signedIn(alice, { Licence: licence('VALID') });
    open('/');
    await screen.findByText('No services deployed.');
    expect(screen.queryByText(/Licence/)).toBeNull();
  });

  it('puts up a banner when the engine does not answer', async () => {
    signedIn(alice, { Runtime: runtime(false) });
    open('/');

    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toContain('The docker engine does not answer');
    expect(banner.textContent).toContain('Cannot connect to unix:///var/run/docker.sock');
    expect(screen.getByText('Docker unavailable')).toBeTruthy();
    expect(screen.queryByText(/connected/)).toBeNull();
  });

  it('shows admins their pages, and tells users those pages are for admins', async () => {
    signedIn(admin);
    const { unmount } = open('/');
    expect(await screen.findByRole('link', { name: 'Users' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Audit log' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Manager log' })).toBeTruthy();
    expect(await screen.findByText('Docker 26.1.5 · connected')).toBeTruthy();
    unmount();

    signedIn(alice);
    open('/admin/users');
    expect(await screen.findByRole('heading', { name: 'Admins only' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Users' })).toBeNull();
  });

  it('works without signing in when authentication is off, offering a sign-in for admin pages', async () => {
    const fetchMock = stubOperations({
      Manager: manager(false),
      Viewer: viewer({ name: 'anonymous', role: 'USER', tokenKind: null }),
      Runtime: runtime(),
      Services: noServices,
      Notifications: noNotifications,
    });
    open('/');

    expect(await screen.findByRole('heading', { name: /^Services/ })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/auth/login');
    await waitFor(() => expect(sentOperations(fetchMock, 'Services')).toHaveLength(1));
  });
});

/** Answers `POST /auth/login` with a session, and the rest as `fetchMock` does; returns the sign-ins. */
function stubLogin(fetchMock: ReturnType<typeof stubOperations>) {
  const logins: unknown[] = [];
  const graphql = fetchMock.getMockImplementation()!;
  fetchMock.mockImplementation(async (input, init) => {
    if (String(input) === '/auth/login') {
      logins.push(JSON.parse(String(init?.body)));
      return new Response(
        JSON.stringify({ user: { username: 'alice', role: 'USER' }, expiresAt: '2026-12-01T00:00:00Z' }),
        {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        },
      );
    }
    return graphql(input, init);
  });
  return logins;
}
