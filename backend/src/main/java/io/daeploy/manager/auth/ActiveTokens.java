package io.daeploy.manager.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The in-memory mirror of the {@code tokens} table, kept in step by {@link TokenService}:
 * a JWT is valid only while its {@code jti} is here and unexpired, so verifying a request
 * needs no store read, no store write and no password hashing. Last-use times are
 * collected here and written to the store in batches.
 */
class ActiveTokens implements OAuth2TokenValidator<Jwt> {

	private static final OAuth2Error REVOKED = new OAuth2Error("invalid_token", "The token was revoked or expired",
			null);

	private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();

	private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

	private final Clock clock;

	ActiveTokens(Clock clock) {
		this.clock = clock;
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt jwt) {
		IssuedToken token = find(jwt.getId());
		if (token == null || !token.subject().equals(jwt.getSubject())
				|| !token.role().name().equals(jwt.getClaimAsString(TokenService.ROLE_CLAIM))) {
			return OAuth2TokenValidatorResult.failure(REVOKED);
		}
		this.lastUsed.put(token.id(), this.clock.instant());
		return OAuth2TokenValidatorResult.success();
	}

	/**
	 * The active token with this id.
	 * @param id the token id
	 * @return the token, or {@code null} when it is unknown, revoked or expired
	 */
	IssuedToken find(String id) {
		if (id == null) {
			return null;
		}
		IssuedToken token = this.tokens.get(id);
		if (token == null || token.isExpired(this.clock.instant())) {
			return null;
		}
		return token;
	}

	void add(IssuedToken token) {
		this.tokens.put(token.id(), token);
	}

	void remove(String id) {
		this.tokens.remove(id);
		this.lastUsed.remove(id);
	}

	/**
	 * Takes the last-use times collected since the previous call.
	 * @return token id to last use
	 */
	Map<String, Instant> drainLastUsed() {
		Map<String, Instant> drained = new java.util.HashMap<>();
		for (String id : this.lastUsed.keySet()) {
			Instant at = this.lastUsed.remove(id);
			if (at != null && this.tokens.containsKey(id)) {
				drained.put(id, at);
			}
		}
		return drained;
	}

	Instant pendingLastUse(String id) {
		return this.lastUsed.get(id);
	}

}
