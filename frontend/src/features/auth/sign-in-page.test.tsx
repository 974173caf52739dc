import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { LoginMutation } from '../../gql/graphql';
import { EXPIRES_AT_KEY, TOKEN_KEY } from '../../lib/session';
import { errorResponse, graphqlResponse, sentRequest, stubFetch } from '../../testing/graphql-fetch';
import { SignInPage, formatWait } from './sign-in-page';

function signIn(username: string, password: string) {
  fireEvent.change(screen.getByLabelText('User name'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignInPage', () => {
  it('stores the token and its expiry from login, then reports the sign-in', async () => {
    const fetchMock = stubFetch(() =>
      graphqlResponse<LoginMutation>({
        data: {
          login: {
            token: 'tok-123',
            expiresAt: '2026-12-02T07:00:00Z',
            user: { username: 'alice', role: 'USER' },
          },
        },
      }),
    );
    const onSignedIn = vi.fn();
    render(<SignInPage onSignedIn={onSignedIn} />);

    signIn('  alice ', 'correct horse');

    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledOnce());
    const request = sentRequest(fetchMock, 0);
    expect(request.body.query).toMatch(/mutation Login\b/);
    expect(request.body.variables).toEqual({ input: { username: 'alice', password: 'correct horse' } });
    expect(localStorage.getItem(TOKEN_KEY)).toBe('tok-123');
    expect(localStorage.getItem(EXPIRES_AT_KEY)).toBe('2026-12-02T07:00:00Z');
  });

  it('says "Wrong user name or password" on INVALID_CREDENTIALS and clears the password', async () => {
    stubFetch(() => errorResponse('INVALID_CREDENTIALS', 'Invalid credentials'));
    render(<SignInPage />);

    signIn('alice', 'wrong-password');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Wrong user name or password.');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));
    expect((screen.getByLabelText('User name') as HTMLInputElement).value).toBe('alice');
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('on TOO_MANY_ATTEMPTS says how long to wait and holds the button until then', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    try {
      const fetchMock = stubFetch(() =>
        errorResponse('TOO_MANY_ATTEMPTS', 'Too many failed logins', { retryAfterSeconds: 3 }),
      );
      render(<SignInPage />);

      signIn('alice', 'guess-1');

      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toBe('Too many failed sign-ins. Try again in 3 seconds.');
      const button = screen.getByRole('button', { name: 'Wait 0:03' }) as HTMLButtonElement;
      expect(button.disabled).toBe(true);
      fireEvent.submit(button.closest('form')!);
      expect(fetchMock).toHaveBeenCalledOnce();

      await act(() => vi.advanceTimersByTimeAsync(1000));
      expect(button.textContent).toBe('Wait 0:02');
      expect(alert.textContent).toBe('Too many failed sign-ins. Try again in 3 seconds.');

      await act(() => vi.advanceTimersByTimeAsync(2000));
      expect(button.textContent).toBe('Sign in');
      expect(button.disabled).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks for both fields before sending anything', () => {
    const fetchMock = stubFetch(() => errorResponse('INTERNAL', 'unexpected'));
    render(<SignInPage />);

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(screen.getByText('Enter your user name.')).toBeTruthy();
    expect(screen.getByText('Enter your password.')).toBeTruthy();
    expect(screen.getByLabelText('User name').getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('shows other failures with their code', async () => {
    stubFetch(() => new Response('', { status: 502 }));
    render(<SignInPage />);

    signIn('alice', 'correct horse');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not sign in');
    expect(alert.textContent).toContain('The manager answered with HTTP 502.');
  });

  it('offers Cancel only when signing in is optional', () => {
    const onCancel = vi.fn();
    const { rerender } = render(<SignInPage />);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();

    rerender(<SignInPage onCancel={onCancel} />);
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
