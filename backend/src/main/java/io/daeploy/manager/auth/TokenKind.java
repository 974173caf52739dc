package io.daeploy.manager.auth;

/**
 * The kinds of token the manager issues.
 */
public enum TokenKind {

	/** A login session: expires after a week, revoked by logout. */
	SESSION,
	/** A user's API token, optionally expiring, revocable. */
	API,
	/** A service's own token, revoked when the service is killed. */
	SERVICE

}
