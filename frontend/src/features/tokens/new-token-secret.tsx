import { useEffect, useRef } from 'react';
import { CopyButton } from '../../components/copy-button';
import { DateTime } from '../../components/date-time';
import type { CreateTokenMutation } from '../../gql/graphql';
import './new-token-secret.css';

interface NewTokenSecretProps {
  created: CreateTokenMutation['createToken'];
  /** Called when the user has taken the token; it is then gone from the page for good. */
  onDone: () => void;
}

/** The secret of a token just created, the only time the manager ever returns it. */
export function NewTokenSecret({ created, onDone }: NewTokenSecretProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <div className="new-token" aria-labelledby="new-token-heading" role="region">
      <h3 id="new-token-heading" ref={headingRef} tabIndex={-1} className="new-token__title">
        Token “{created.apiToken.name}” created
      </h3>
      <p className="new-token__warning">
        <strong>Copy it now: you will not see it again.</strong> The manager shows a token only once; if you
        lose it, revoke it and create another.
      </p>
      <div className="new-token__secret">
        <input
          className="input new-token__value"
          aria-label="New API token"
          readOnly
          value={created.token}
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={created.token} label="Copy token" />
      </div>
      <p className="new-token__expiry">
        Expires: <DateTime value={created.apiToken.expiresAt} fallback="never" />
      </p>
      <button type="button" className="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
