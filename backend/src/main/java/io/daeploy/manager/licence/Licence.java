package io.daeploy.manager.licence;

import java.time.Instant;

/**
 * What a verified licence key says: who holds it, until when, and what it allows.
 *
 * @param id the key's own id ({@code jti}), to tell two keys of one holder apart
 * @param holder who the licence is issued to ({@code sub})
 * @param issuedAt when it was issued ({@code iat})
 * @param expiresAt when it stops being valid ({@code exp})
 * @param limits what it allows
 */
public record Licence(String id, String holder, Instant issuedAt, Instant expiresAt, Limits limits) {

	/**
	 * How much a licence allows; {@code null} means no limit.
	 *
	 * @param maxServices the most services (distinct names; versions of one service count
	 * once) that may be deployed at a time
	 * @param maxUsers the most users, the admin included
	 */
	public record Limits(Integer maxServices, Integer maxUsers) {

		/** No limits: community mode, and licences that name none. */
		public static final Limits NONE = new Limits(null, null);

	}

}
