import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Field } from '../../components/field';
import { signIn, type SignedInUser } from '../../lib/session';
import { usePageTitle } from '../../lib/use-page-title';
import './sign-in-page.css';

interface SignInPageProps {
  /** Set when the user's last session ended on its own, to say why they are asked again. */
  ended?: boolean;
  /** Where the sign-in goes on to, said on the page (a service URL the user opened). */
  destination?: string | null;
  /** Offered when signing in is optional (authentication off): leaves without signing in. */
  onCancel?: () => void;
  /** Called once the manager has set the session cookie. */
  onSignedIn: (user: SignedInUser) => void;
}

interface FieldErrors {
  username?: string;
  password?: string;
}

type Failure =
  | { kind: 'credentials' }
  | { kind: 'throttled'; seconds?: number }
  | { kind: 'other'; message: string; code: string };

/**
 * Asks for a user name and password and signs in at `/auth/login`; the manager answers with the
 * httpOnly session cookie, which the app never sees.
 */
export function SignInPage({ ended = false, destination, onCancel, onSignedIn }: SignInPageProps) {
  usePageTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
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
    if (errors.username || errors.password || waitSeconds > 0 || busy) {
      return;
    }
    setBusy(true);
    setFailure(null);
    const outcome = await signIn(username.trim(), password);
    setBusy(false);
    if (outcome.ok) {
      onSignedIn(outcome.user);
      return;
    }
    if (outcome.code === 'INVALID_CREDENTIALS') {
      setFailure({ kind: 'credentials' });
    } else if (outcome.code === 'TOO_MANY_ATTEMPTS') {
      setFailure({ kind: 'throttled', seconds: outcome.retryAfterSeconds });
    } else {
      setFailure({ kind: 'other', message: outcome.message, code: outcome.code });
    }
    const failedAt = Date.now();
    setNow(failedAt);
    setRetryAt(outcome.retryAfterSeconds ? failedAt + outcome.retryAfterSeconds * 1000 : null);
    setPassword('');
    passwordRef.current?.focus();
  };

  return (
    <section className="panel sign-in" aria-labelledby="sign-in-heading">
      <p className="sign-in__brand" aria-hidden="true">
        <span className="app-header__mark" />
        <span>
          dae<b>ploy</b>
        </span>
      </p>
      <h1 id="sign-in-heading" className="panel__title sign-in__title">
        Sign in to your control plane
      </h1>
      <p className="sign-in__subtitle">Deploy and manage your services from one place.</p>
      {ended && (
        <p className="notice notice--warn" role="status">
          Your session has ended (it expired, was revoked, or you signed out elsewhere). Sign in again.
        </p>
      )}
      {destination && (
        <p className="sign-in__destination">
          Then on to <span className="mono">{destination}</span>
        </p>
      )}
      {failure && <SignInError failure={failure} />}
      <form className="form form--stacked" noValidate onSubmit={submit}>
        <Field
          label="User name"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="admin"
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
          <button type="submit" className="button button--primary" disabled={busy || waitSeconds > 0}>
            {busy ? 'Signing in…' : waitSeconds > 0 ? `Wait ${formatClock(waitSeconds)}` : 'Sign in'}
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

function SignInError({ failure }: { failure: Failure }) {
  if (failure.kind === 'credentials') {
    return (
      <p className="error-message" role="alert">
        Wrong user name or password.
      </p>
    );
  }
  if (failure.kind === 'throttled') {
    // said once: a live region that counted down would be read out every second; the button counts
    return (
      <p className="error-message" role="alert">
        Too many failed sign-ins.{' '}
        {failure.seconds ? `Try again in ${formatWait(failure.seconds)}.` : 'Wait a while, then try again.'}
      </p>
    );
  }
  return (
    <div className="error-message" role="alert">
      <p className="error-message__title">Could not sign in</p>
      <p className="error-message__body">
        {failure.message}
        <code className="error-message__code">{failure.code}</code>
      </p>
    </div>
  );
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
