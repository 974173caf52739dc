import { Fragment, useState } from 'react';
import { ConfirmButton } from '../../components/confirm-button';
import { DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { DeleteUserDocument, UsersDocument, type UsersQuery } from '../../gql/graphql';
import { useMutation } from '../../lib/use-mutation';
import { useQuery } from '../../lib/use-query';
import { CreateUserForm } from './create-user-form';
import { SetPasswordForm } from './set-password-form';
import { PROTECTED_USERNAME, roleLabel } from './user-rules';
import { ListPanelHeader } from '../../components/list-panel-header';

type User = UsersQuery['users'][number];

interface UsersPageProps {
  /** The signed-in user's name, to warn before they set their own password here. */
  currentUser?: string;
}

/** User administration for admins: list, create, set passwords, delete. */
export function UsersPage({ currentUser }: UsersPageProps) {
  const users = useQuery(UsersDocument);
  const remove = useMutation(DeleteUserDocument);
  const [settingPasswordOf, setSettingPasswordOf] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = users.data?.users;

  const deleteUser = async (user: User) => {
    setNotice(null);
    const { data } = await remove.mutate({ input: { username: user.username } });
    if (data) {
      setNotice(`User “${data.deleteUser.username}” deleted.`);
      users.refetch();
    }
  };

  return (
    <div className="page">
      <section className="panel" aria-labelledby="users-heading" aria-busy={users.loading}>
        <ListPanelHeader
          id="users-heading"
          title="Users"
          count={list?.length}
          loading={users.loading}
          onRefresh={users.refetch}
        />

        {users.error && <ErrorMessage title="Could not load users" error={users.error} />}
        {remove.error && <ErrorMessage title="Could not delete the user" error={remove.error} />}
        {notice && (
          <p className="notice notice--ok" role="status">
            {notice}
          </p>
        )}

        {list === undefined ? (
          !users.error && (
            <p className="panel__note" role="status">
              Loading users…
            </p>
          )
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">User name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((user) => (
                  <Fragment key={user.username}>
                    <tr>
                      <th scope="row">{user.username}</th>
                      <td>{roleLabel(user.role)}</td>
                      <td>
                        <DateTime value={user.createdAt} />
                      </td>
                      <td className="data-table__actions">
                        <div className="row-actions">
                          <button
                            type="button"
                            className="button button--small"
                            aria-label={`Set password of ${user.username}`}
                            aria-expanded={settingPasswordOf === user.username}
                            onClick={() => {
                              setNotice(null);
                              setSettingPasswordOf(
                                settingPasswordOf === user.username ? null : user.username,
                              );
                            }}
                          >
                            Set password
                          </button>
                          <ConfirmButton
                            label="Delete"
                            accessibleLabel={`Delete ${user.username}`}
                            question={`Delete “${user.username}”? Their sessions and API tokens are revoked.`}
                            confirmLabel="Yes, delete"
                            busy={remove.loading}
                            disabledReason={
                              user.username === PROTECTED_USERNAME
                                ? 'The admin user cannot be deleted.'
                                : undefined
                            }
                            onConfirm={() => deleteUser(user)}
                          />
                        </div>
                      </td>
                    </tr>
                    {settingPasswordOf === user.username && (
                      <tr className="data-table__detail">
                        <td colSpan={4}>
                          <SetPasswordForm
                            username={user.username}
                            isCurrentUser={user.username === currentUser}
                            onDone={(changed) => {
                              setSettingPasswordOf(null);
                              if (changed) {
                                setNotice(`Password of “${user.username}” set.`);
                              }
                            }}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="create-user-heading">
        <h2 id="create-user-heading" className="panel__subtitle">
          Add a user
        </h2>
        <CreateUserForm
          onCreated={(username) => {
            setNotice(`User “${username}” created.`);
            users.refetch();
          }}
        />
      </section>
    </div>
  );
}
