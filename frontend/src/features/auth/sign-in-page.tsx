import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { LoginDocument } from '../../gql/graphql';
import { errorWithCode, type GraphqlError } from '../../lib/graphql-client';
import { startSession, type SessionEnd } from '../../lib/session';
import { useMutation } from '../../lib/use-mutation';
import './sign-in-page.css';

interface SignInPageProps {
  /** Set when the user's last session ended on its own, to say why they are asked again. */
  ended?: SessionEnd | null;
  /** Offered when signing in is optional (authentication off): leaves without signing in. */
  onCancel?: () => void;
  /** Called once the session token is stored. */
  onSignedIn?: () => void;
}

interface FieldErrors {
  username?: string;
  password?: string;
}

/** Asks for a user name and password and keeps the session token `login` returns. */
export function SignInPage({ ended, onCancel, onSignedIn }: SignInPageProps) {
  const login = useMutation(LoginDocument, { anonymous: true });
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useSecondsClock(retryAt, setNow);
  const passwordRef = useRef<HTMLInputElement>(null);

  const waitSeconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: FieldErrors = {
      username: username.trim() ? undefined : 'Enter your user name.',
      password: password ? undefined : 'Enter your password.',
    };
    setFieldErrors(errors);
    if (errors.username || errors.password || waitSeconds > 0) {
      return;
    }

    const { data, error } = await login.mutate({ input: { username: username.trim(), password } });
    if (data) {
      startSession(data.login.token, data.login.expiresAt);
      onSignedIn?.();
      return;
    }
    const retryAfter = retryAfterSeconds(errorWithCode(error, 'TOO_MANY_ATTEMPTS'));
    const failedAt = Date.now();
    setNow(failedAt);
    setRetryAt(retryAfter ? failedAt + retryAfter * 1000 : null);
    setPassword('');
    passwordRef.current?.focus();
  };

  return (
    <section className="panel sign-in" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading" className="panel__title sign-in__title">
        Sign in
      </h1>
      {ended === 'expired' && (
        <p className="notice notice--warn" role="status">
          Your session has expired or was revoked. Sign in again.
        </p>
      )}
      {login.error && <SignInError error={login.error} />}
      <form className="form form--stacked" noValidate onSubmit={submit}>
        <Field
          label="User name"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          value={username}
          error={fieldErrors.username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <Field
          ref={passwordRef}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          error={fieldErrors.password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <div className="form__actions">
          <button
            type="submit"
            className="button button--primary"
            disabled={login.loading || waitSeconds > 0}
          >
            {login.loading ? 'Signing in…' : waitSeconds > 0 ? `Wait ${formatClock(waitSeconds)}` : 'Sign in'}
          </button>
          {onCancel && (
            <button type="button" className="button" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function SignInError({ error }: { error: Error }) {
  if (errorWithCode(error, 'INVALID_CREDENTIALS')) {
    return (
      <p className="error-message" role="alert">
        Wrong user name or password.
      </p>
    );
  }
  const tooMany = errorWithCode(error, 'TOO_MANY_ATTEMPTS');
  if (tooMany) {
    // Said once, as the manager gave it: a live region that counted down would be re-read every second.
    // The disabled button shows the countdown.
    const seconds = retryAfterSeconds(tooMany);
    return (
      <p className="error-message" role="alert">
        Too many failed sign-ins.{' '}
        {seconds ? `Try again in ${formatWait(seconds)}.` : 'Wait a while, then try again.'}
      </p>
    );
  }
  return <ErrorMessage title="Could not sign in" error={error} />;
}

function retryAfterSeconds(error: GraphqlError | undefined): number | undefined {
  const seconds = Math.ceil(Number(error?.extensions?.retryAfterSeconds));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** "1 second", "42 seconds", "3 minutes": how long until the manager takes sign-ins again. */
export function formatWait(seconds: number): string {
  if (seconds < 120) {
    return seconds === 1 ? '1 second' : `${seconds} seconds`;
  }
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** "4:59": the time left, for the waiting button. */
function formatClock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Hands the current time to `setNow` every second until `until` has passed. */
function useSecondsClock(until: number | null, setNow: (now: number) => void): void {
  useEffect(() => {
    if (until === null) {
      return;
    }
    const timer = window.setInterval(() => {
      const now = Date.now();
      setNow(now);
      if (now >= until) {
        window.clearInterval(timer);
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [until, setNow]);
}
