import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { CreateTokenDocument, type CreateTokenMutation } from '../../gql/graphql';
import { useMutation } from '../../lib/use-mutation';

const MAX_NAME_LENGTH = 100;
const MAX_DAYS = 3650;

interface CreateTokenFormProps {
  onCreated: (payload: CreateTokenMutation['createToken']) => void;
}

interface FieldErrors {
  name?: string;
  days?: string;
}

/** Names a new API token and, optionally, the days until it expires. */
export function CreateTokenForm({ onCreated }: CreateTokenFormProps) {
  const create = useMutation(CreateTokenDocument);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    const expiresInDays = days.trim() === '' ? null : Number(days);
    const found: FieldErrors = {
      name:
        trimmed === ''
          ? 'Give the token a name.'
          : trimmed.length > MAX_NAME_LENGTH
            ? `Use at most ${MAX_NAME_LENGTH} characters.`
            : undefined,
      days:
        expiresInDays !== null &&
        (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_DAYS)
          ? `Enter a whole number of days from 1 to ${MAX_DAYS}, or leave it empty.`
          : undefined,
    };
    setErrors(found);
    if (found.name || found.days) {
      return;
    }
    const { data } = await create.mutate({
      input: expiresInDays === null ? { name: trimmed } : { name: trimmed, expiresInDays },
    });
    if (data) {
      setName('');
      setDays('');
      onCreated(data.createToken);
    }
  };

  return (
    <>
      {create.error && <ErrorMessage title="Could not create the token" error={create.error} />}
      <form className="form" noValidate onSubmit={submit}>
        <Field
          label="Name"
          name="name"
          required
          maxLength={MAX_NAME_LENGTH}
          placeholder="ci"
          hint="To recognise the token by."
          value={name}
          error={errors.name}
          onChange={(event) => setName(event.target.value)}
        />
        <Field
          label="Expires after (days)"
          name="expiresInDays"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_DAYS}
          step={1}
          hint="Leave empty for a token that never expires."
          value={days}
          error={errors.days}
          onChange={(event) => setDays(event.target.value)}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={create.loading}>
            {create.loading ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </>
  );
}
