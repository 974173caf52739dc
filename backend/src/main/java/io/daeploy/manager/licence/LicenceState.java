package io.daeploy.manager.licence;

/**
 * Where the manager's licence stands.
 */
public enum LicenceState {

	/** No licence was activated: community mode, nothing is restricted. */
	NONE,

	/**
	 * A licence that verifies and has more than {@value LicenceService#EXPIRING_DAYS}
	 * days left.
	 */
	VALID,

	/** A valid licence with {@value LicenceService#EXPIRING_DAYS} days or fewer left. */
	EXPIRING,

	/** The licence has expired: creating deploys, users and API tokens is refused. */
	EXPIRED,

	/**
	 * The stored licence no longer verifies (the public key changed, or the stored key
	 * was edited): creating is refused as when expired, until a valid licence is
	 * activated.
	 */
	INVALID

}
