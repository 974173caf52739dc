import type { Role } from '../../gql/graphql';

/** The user the manager creates at first start; it can never be deleted (`ADMIN_PROTECTED`). */
export const PROTECTED_USERNAME = 'admin';

export const MIN_PASSWORD_LENGTH = 8;

const USERNAME_PATTERN = /^[a-z0-9._-]{1,64}$/;

/** The roles a person can have; SERVICE belongs to services' own tokens. */
export const USER_ROLES: ReadonlyArray<{ role: Role; label: string }> = [
  { role: 'USER', label: 'User' },
  { role: 'ADMIN', label: 'Admin' },
];

export function roleLabel(role: Role): string {
  return USER_ROLES.find((item) => item.role === role)?.label ?? (role === 'SERVICE' ? 'Service' : role);
}

/** Why a user name would be refused, or undefined when it is fine. */
export function usernameProblem(username: string): string | undefined {
  if (username === '') {
    return 'Enter a user name.';
  }
  return USERNAME_PATTERN.test(username)
    ? undefined
    : 'Use 1 to 64 lower-case letters, digits, “.”, “_” or “-”.';
}

/** Why a password would be refused, or undefined when it is fine. */
export function passwordProblem(password: string): string | undefined {
  return password.length >= MIN_PASSWORD_LENGTH
    ? undefined
    : `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
}
