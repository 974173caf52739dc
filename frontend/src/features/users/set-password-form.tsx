import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { SetUserPasswordDocument } from '../../gql/graphql';
import { useMutation } from '../../lib/use-mutation';
import { MIN_PASSWORD_LENGTH, passwordProblem } from './user-rules';

interface SetPasswordFormProps {
  username: string;
  /** Whether `username` is the signed-in user, who is then signed out too. */
  isCurrentUser: boolean;
  onDone: (changed: boolean) => void;
}

/** Gives a user a new password; the manager then revokes their sessions and tokens. */
export function SetPasswordForm({ username, isCurrentUser, onDone }: SetPasswordFormProps) {
  const setPassword = useMutation(SetUserPasswordDocument);
  const [password, setPasswordValue] = useState('');
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = passwordProblem(password);
    setError(problem);
    if (problem) {
      return;
    }
    const { data } = await setPassword.mutate({ input: { username, password } });
    if (data) {
      onDone(true);
    }
  };

  return (
    <>
      {setPassword.error && <ErrorMessage title="Could not set the password" error={setPassword.error} />}
      <form className="form" noValidate onSubmit={submit} aria-label={`Set the password of ${username}`}>
        <Field
          label={`New password for ${username}`}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus
          minLength={MIN_PASSWORD_LENGTH}
          hint={
            isCurrentUser
              ? 'This signs you out everywhere and revokes your API tokens.'
              : `This signs ${username} out everywhere and revokes their API tokens.`
          }
          value={password}
          error={error}
          onChange={(event) => setPasswordValue(event.target.value)}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={setPassword.loading}>
            {setPassword.loading ? 'Saving…' : 'Set password'}
          </button>
          <button type="button" className="button" onClick={() => onDone(false)}>
            Cancel
          </button>
        </div>
      </form>
    </>
  );
}
