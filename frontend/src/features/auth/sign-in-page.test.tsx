import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { stubFetch } from '../../testing/graphql-fetch';
import { SignInPage, formatWait } from './sign-in-page';

function json(status: number, body: unknown): () => Response {
  return () =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function signIn(username: string, password: string) {
  fireEvent.change(screen.getByLabelText('User name'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignInPage', () => {
  it('signs in at /auth/login, which sets the cookie, and keeps nothing in storage', async () => {
    const fetchMock = stubFetch(
      json(200, { user: { username: 'alice', role: 'USER' }, expiresAt: '2026-12-02T07:00:00Z' }),
    );
    const onSignedIn = vi.fn();
    render(<SignInPage onSignedIn={onSignedIn} />);

    signIn('  alice ', 'correct horse');

    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith({ username: 'alice', role: 'USER' }));
    expect(fetchMock.mock.calls[0][0]).toBe('/auth/login');
    expect(JSON.parse(String(fetchMock.mock.calls[0][1]?.body))).toEqual({
      username: 'alice',
      password: 'correct horse',
    });
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
  });

  it('says "Wrong user name or password", clears the password and focuses it', async () => {
    stubFetch(json(401, { message: 'Wrong user name or password', code: 'INVALID_CREDENTIALS' }));
    render(<SignInPage onSignedIn={() => {}} />);

    signIn('alice', 'wrong-password');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Wrong user name or password.');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));
    expect((screen.getByLabelText('User name') as HTMLInputElement).value).toBe('alice');
  });

  it('on TOO_MANY_ATTEMPTS says how long to wait and holds the button until then', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    try {
      const fetchMock = stubFetch(
        json(429, { message: 'Too many failed logins', code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 3 }),
      );
      render(<SignInPage onSignedIn={() => {}} />);

      signIn('alice', 'guess-1');

      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toBe('Too many failed sign-ins. Try again in 3 seconds.');
      const button = screen.getByRole('button', { name: 'Wait 0:03' }) as HTMLButtonElement;
      expect(button.disabled).toBe(true);
      fireEvent.submit(button.closest('form')!);
      expect(fetchMock).toHaveBeenCalledOnce();

      await act(() => vi.advanceTimersByTimeAsync(3000));
      expect(button.textContent).toBe('Sign in');
      expect(button.disabled).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks for both fields before sending anything', () => {
    const fetchMock = stubFetch(json(500, {}));
    render(<SignInPage onSignedIn={() => {}} />);

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(screen.getByText('Enter your user name.')).toBeTruthy();
    expect(screen.getByText('Enter your password.')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('says in words when the manager does not answer', async () => {
    stubFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    render(<SignInPage onSignedIn={() => {}} />);

    signIn('alice', 'correct horse');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The manager does not answer');
    expect(alert.textContent).not.toContain('Failed to fetch');
  });

  it('says where it goes on to, and why it asks again', () => {
    render(<SignInPage ended destination="http://localhost:5080/services/hello/" onSignedIn={() => {}} />);

    expect(screen.getByText(/Your session has ended/)).toBeTruthy();
    expect(screen.getByText('http://localhost:5080/services/hello/')).toBeTruthy();
  });

  it('offers Cancel only when signing in is optional', () => {
    const onCancel = vi.fn();
    const { rerender } = render(<SignInPage onSignedIn={() => {}} />);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();

    rerender(<SignInPage onSignedIn={() => {}} onCancel={onCancel} />);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledOnce();
  });
});

describe('formatWait', () => {
  it('counts seconds, then minutes', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(90)).toBe('90 seconds');
    expect(formatWait(300)).toBe('5 minutes');
  });
});
