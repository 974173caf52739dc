import { GraphqlRequestError } from '../lib/graphql-client';
import './error-message.css';

interface ErrorMessageProps {
  title: string;
  error: Error;
}

/** Shows why a request failed: every GraphQL error message, with its code when the manager gave one. */
export function ErrorMessage({ title, error }: ErrorMessageProps) {
  const errors =
    error instanceof GraphqlRequestError ? error.errors : [{ message: error.message, extensions: undefined }];
  return (
    <div className="error-message" role="alert">
      <p className="error-message__title">{title}</p>
      <ul className="error-message__list">
        {errors.map((item, index) => (
          <li key={index}>
            {item.message}
            {item.extensions?.code && <code className="error-message__code">{item.extensions.code}</code>}
          </li>
        ))}
      </ul>
    </div>
  );
}
