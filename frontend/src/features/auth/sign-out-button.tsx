import { LogoutDocument } from '../../gql/graphql';
import { endSession } from '../../lib/session';
import { useMutation } from '../../lib/use-mutation';

/**
 * Revokes the session token on the manager, then forgets it. The token is forgotten even when the
 * manager cannot be told: the user asked to leave, and the token expires on its own.
 */
export function SignOutButton() {
  const logout = useMutation(LogoutDocument);

  const signOut = async () => {
    await logout.mutate({});
    endSession();
  };

  return (
    <button type="button" className="button" onClick={signOut} disabled={logout.loading}>
      {logout.loading ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
