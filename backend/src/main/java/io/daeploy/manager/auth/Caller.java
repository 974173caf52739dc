package io.daeploy.manager.auth;

import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling.
 *
 * @param name user name, {@code <service>:<version>}, or {@code anonymous}
 * @param role what they may do
 * @param kind the token they authenticated with, {@code null} without one
 * @param tokenId the token's id, {@code null} without one
 */
public record Caller(String name, Role role, TokenKind kind, String tokenId) {

	/** A caller without a token (allowed to do anything only when auth is off). */
	public static final Caller ANONYMOUS = new Caller("anonymous", Role.USER, null, null);

	/**
	 * The caller of the current request.
	 * @return the caller, {@link #ANONYMOUS} without a token
	 */
	public static Mono<Caller> current() {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> of(context.getAuthentication()))
			.defaultIfEmpty(ANONYMOUS);
	}

	static Caller of(Authentication authentication) {
		if (authentication instanceof JwtAuthenticationToken jwt) {
			return new Caller(jwt.getToken().getSubject(),
					Role.valueOf(jwt.getToken().getClaimAsString(TokenService.ROLE_CLAIM)),
					TokenKind.valueOf(jwt.getToken().getClaimAsString(TokenService.KIND_CLAIM)),
					jwt.getToken().getId());
		}
		return ANONYMOUS;
	}

	boolean isAnonymous() {
		return this.tokenId == null;
	}

}
