import { useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { CreateUserDocument, type Role } from '../../gql/graphql';
import { errorWithCode } from '../../lib/graphql-client';
import { useMutation } from '../../lib/use-mutation';
import { MIN_PASSWORD_LENGTH, USER_ROLES, passwordProblem, usernameProblem } from './user-rules';

interface FieldErrors {
  username?: string;
  password?: string;
}

/** Adds a user with a first password and a role. */
export function CreateUserForm({ onCreated }: { onCreated: (username: string) => void }) {
  const create = useMutation(CreateUserDocument);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('USER');
  const [errors, setErrors] = useState<FieldErrors>({});
  const roleId = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = username.trim();
    const found: FieldErrors = { username: usernameProblem(name), password: passwordProblem(password) };
    setErrors(found);
    if (found.username || found.password) {
      return;
    }
    const { data, error } = await create.mutate({ input: { username: name, password, role } });
    if (data) {
      setUsername('');
      setPassword('');
      setRole('USER');
      onCreated(data.createUser.user.username);
    } else if (errorWithCode(error, 'USER_EXISTS')) {
      setErrors({ username: `A user “${name}” exists already.` });
    }
  };

  const showError = create.error && !errorWithCode(create.error, 'USER_EXISTS');

  return (
    <>
      {showError && create.error && <ErrorMessage title="Could not create the user" error={create.error} />}
      <form className="form" noValidate onSubmit={submit}>
        <Field
          label="User name"
          name="username"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          required
          maxLength={64}
          hint="Lower-case letters, digits, “.”, “_” and “-”."
          value={username}
          error={errors.username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          value={password}
          error={errors.password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <div className="field">
          <label className="field__label" htmlFor={roleId}>
            Role
          </label>
          <select
            id={roleId}
            name="role"
            className="input"
            value={role}
            onChange={(event) => setRole(event.target.value as Role)}
          >
            {USER_ROLES.map((item) => (
              <option key={item.role} value={item.role}>
                {item.label}
              </option>
            ))}
          </select>
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={create.loading}>
            {create.loading ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </>
  );
}
