import { useState } from 'react';
import { ConfirmButton } from '../../components/confirm-button';
import { DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import {
  RevokeTokenDocument,
  TokensDocument,
  type CreateTokenMutation,
  type TokensQuery,
} from '../../gql/graphql';
import { useMutation } from '../../lib/use-mutation';
import { useQuery } from '../../lib/use-query';
import { CreateTokenForm } from './create-token-form';
import { NewTokenSecret } from './new-token-secret';
import { ListPanelHeader } from '../../components/list-panel-header';

type ApiToken = TokensQuery['tokens'][number];

/** The caller's API tokens: listed, created (the secret shown once) and revoked after a confirm step. */
export function TokensPage() {
  const tokens = useQuery(TokensDocument);
  const revoke = useMutation(RevokeTokenDocument);
  const [created, setCreated] = useState<CreateTokenMutation['createToken'] | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const list = tokens.data?.tokens;

  const revokeToken = async (token: ApiToken) => {
    setRevoked(null);
    const { data } = await revoke.mutate({ input: { id: token.id } });
    if (data) {
      setRevoked(token.name);
      tokens.refetch();
    }
  };

  return (
    <div className="page">
      <section className="panel" aria-labelledby="tokens-heading" aria-busy={tokens.loading}>
        <ListPanelHeader
          id="tokens-heading"
          title="API tokens"
          count={list?.length}
          loading={tokens.loading}
          onRefresh={tokens.refetch}
        />

        {tokens.error && <ErrorMessage title="Could not load your tokens" error={tokens.error} />}
        {revoke.error && <ErrorMessage title="Could not revoke the token" error={revoke.error} />}
        {revoked && (
          <p className="notice notice--ok" role="status">
            Token “{revoked}” revoked.
          </p>
        )}

        {list === undefined ? (
          !tokens.error && (
            <p className="panel__note" role="status">
              Loading tokens…
            </p>
          )
        ) : list.length === 0 ? (
          <p className="panel__note">You have no API tokens.</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((token) => (
                  <tr key={token.id}>
                    <th scope="row">{token.name}</th>
                    <td>
                      <DateTime value={token.createdAt} />
                    </td>
                    <td>
                      <DateTime value={token.expiresAt} fallback="Never" />
                    </td>
                    <td>
                      <DateTime value={token.lastUsedAt} fallback="Never" />
                    </td>
                    <td className="data-table__actions">
                      <ConfirmButton
                        label="Revoke"
                        accessibleLabel={`Revoke ${token.name}`}
                        question={`Revoke “${token.name}”? Anything using it is refused from then on.`}
                        confirmLabel="Yes, revoke"
                        busy={revoke.loading}
                        onConfirm={() => revokeToken(token)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="create-token-heading">
        <h2 id="create-token-heading" className="panel__subtitle">
          Create an API token
        </h2>
        <p className="panel__intro">
          Scripts and CI jobs use an API token to act as you: they send it as{' '}
          <code>Authorization: Bearer &lt;token&gt;</code>.
        </p>
        {created ? (
          <NewTokenSecret created={created} onDone={() => setCreated(null)} />
        ) : (
          <CreateTokenForm
            onCreated={(payload) => {
              setRevoked(null);
              setCreated(payload);
              tokens.refetch();
            }}
          />
        )}
      </section>
    </div>
  );
}
