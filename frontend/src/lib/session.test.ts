import { describe, expect, it } from 'vitest';
import { stubFetch } from '../testing/graphql-fetch';
import { safeDestination, signIn, signOut } from './session';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('signIn', () => {
  it('posts the credentials as JSON to /auth/login and keeps nothing itself', async () => {
    const fetchMock = stubFetch(() =>
      json(200, { user: { username: 'alice', role: 'USER' }, expiresAt: '2026-12-08T10:00:00Z' }),
    );

    const outcome = await signIn('alice', 'correct horse');

    expect(outcome).toEqual({
      ok: true,
      user: { username: 'alice', role: 'USER' },
      expiresAt: '2026-12-08T10:00:00Z',
    });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/auth/login');
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(init?.body))).toEqual({ username: 'alice', password: 'correct horse' });
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
    expect(document.cookie).toBe('');
  });

  it('reports wrong credentials and throttling with the manager’s codes', async () => {
    stubFetch(
      () => json(401, { message: 'Wrong user name or password', code: 'INVALID_CREDENTIALS' }),
      () =>
        json(429, { message: 'Too many failed logins', code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 2.2 }),
    );

    expect(await signIn('alice', 'nope')).toMatchObject({ ok: false, code: 'INVALID_CREDENTIALS' });
    expect(await signIn('alice', 'nope')).toMatchObject({
      ok: false,
      code: 'TOO_MANY_ATTEMPTS',
      retryAfterSeconds: 3,
    });
  });

  it('says so when the manager does not answer', async () => {
    stubFetch(() => {
      throw new TypeError('Failed to fetch');
    });

    expect(await signIn('alice', 'x')).toMatchObject({ ok: false, code: 'MANAGER_UNREACHABLE' });
  });
});

describe('signOut', () => {
  it('posts to /auth/logout', async () => {
    const fetchMock = stubFetch(() => new Response(null, { status: 204 }));

    await signOut();

    expect(fetchMock.mock.calls[0][0]).toBe('/auth/logout');
    expect(fetchMock.mock.calls[0][1]?.method).toBe('POST');
  });
});

describe('safeDestination', () => {
  const page = { protocol: 'http:', hostname: 'ops.example', port: '5081' } as Location;

  it('takes paths of the dashboard and URLs of this host on the services’ or the dashboard’s port', () => {
    expect(safeDestination('/services/hello/1.0.0', 5080, page)).toBe('/services/hello/1.0.0');
    expect(safeDestination('http://ops.example:5080/services/hello/?x=1', 5080, page)).toBe(
      'http://ops.example:5080/services/hello/?x=1',
    );
    expect(safeDestination('http://ops.example:5081/notifications', 5080, page)).toBe(
      'http://ops.example:5081/notifications',
    );
  });

  it('refuses anything else', () => {
    for (const elsewhere of [
      'https://evil.example/',
      '//evil.example/',
      'javascript:alert(1)',
      'http://ops.example:1/',
      'http://user@ops.example:5080/',
      '/\\evil.example',
      null,
      '',
    ]) {
      expect(safeDestination(elsewhere, 5080, page)).toBeNull();
    }
  });
});
