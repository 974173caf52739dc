package io.daeploy.manager.auth;

import java.time.Instant;

/**
 * A token the manager issued and has not revoked, as stored (never the token itself).
 *
 * @param id the JWT's {@code jti}
 * @param kind what it is for
 * @param userId owning user, {@code null} for service tokens
 * @param subject the JWT's {@code sub}: a user name or {@code <service>:<version>}
 * @param role the role it grants
 * @param name a label: the API token's name, {@code session}, or the service
 * @param issuedAt when it was issued
 * @param expiresAt when it expires, {@code null} for never
 * @param lastUsedAt when it last authenticated a request, or {@code null}
 */
public record IssuedToken(String id, TokenKind kind, Long userId, String subject, Role role, String name,
		Instant issuedAt, Instant expiresAt, Instant lastUsedAt) {

	boolean isExpired(Instant now) {
		return this.expiresAt != null && !now.isBefore(this.expiresAt);
	}

}
