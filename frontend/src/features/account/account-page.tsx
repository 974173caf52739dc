import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { ChangePasswordDocument } from '../../gql/graphql';
import { errorWithCode } from '../../lib/graphql-client';
import { useMutation } from '../../lib/use-mutation';

const MIN_PASSWORD_LENGTH = 8;

interface AccountPageProps {
  /** The signed-in user's name, for password managers filling in the form. */
  userName?: string;
}

interface FieldErrors {
  currentPassword?: string;
  newPassword?: string;
  repeatPassword?: string;
}

/** The signed-in user's own settings: for now, changing their password. */
export function AccountPage({ userName }: AccountPageProps) {
  const change = useMutation(ChangePasswordDocument);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeatPassword, setRepeatPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [changed, setChanged] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setChanged(false);
    const found: FieldErrors = {
      currentPassword: currentPassword ? undefined : 'Enter your current password.',
      newPassword:
        newPassword.length < MIN_PASSWORD_LENGTH
          ? `Use at least ${MIN_PASSWORD_LENGTH} characters.`
          : newPassword === currentPassword
            ? 'Choose a password different from the current one.'
            : undefined,
      repeatPassword: repeatPassword === newPassword ? undefined : 'This does not match the new password.',
    };
    setErrors(found);
    if (found.currentPassword || found.newPassword || found.repeatPassword) {
      return;
    }
    const { data, error } = await change.mutate({ input: { currentPassword, newPassword } });
    if (data) {
      setCurrentPassword('');
      setNewPassword('');
      setRepeatPassword('');
      setChanged(true);
    } else if (errorWithCode(error, 'INVALID_CREDENTIALS')) {
      setErrors({ currentPassword: 'The current password is wrong.' });
    } else {
      const invalid = errorWithCode(error, 'INVALID_INPUT');
      if (invalid?.extensions?.field === 'newPassword') {
        setErrors({ newPassword: invalid.message });
      }
    }
  };

  const knownError =
    errorWithCode(change.error, 'INVALID_CREDENTIALS') ||
    errorWithCode(change.error, 'INVALID_INPUT')?.extensions?.field === 'newPassword';

  return (
    <section className="panel" aria-labelledby="account-heading">
      <header className="panel__header">
        <h1 id="account-heading" className="panel__title">
          Account
        </h1>
      </header>
      {userName && (
        <p className="panel__intro">
          Signed in as <strong>{userName}</strong>.
        </p>
      )}
      <h2 className="panel__subtitle">Change password</h2>
      {changed && (
        <p className="notice notice--ok" role="status">
          Password changed.
        </p>
      )}
      {change.error && !knownError && (
        <ErrorMessage title="Could not change the password" error={change.error} />
      )}
      <form className="form form--stacked" noValidate onSubmit={submit}>
        {userName && (
          <input type="text" name="username" autoComplete="username" value={userName} readOnly hidden />
        )}
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          error={errors.currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          value={newPassword}
          error={errors.newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
        />
        <Field
          label="Repeat new password"
          name="repeatPassword"
          type="password"
          autoComplete="new-password"
          required
          value={repeatPassword}
          error={errors.repeatPassword}
          onChange={(event) => setRepeatPassword(event.target.value)}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={change.loading}>
            {change.loading ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}
