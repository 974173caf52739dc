package io.daeploy.manager.auth;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Remembers tokens whose signature it has checked, so a token seen again skips parsing
 * and the HMAC (most of {@code /auth/verify}'s cost) but is still validated every time:
 * expiry and the in-memory revocation set apply to remembered tokens as to new ones.
 */
class CachingJwtDecoder implements ReactiveJwtDecoder {

	private final ReactiveJwtDecoder delegate;

	private final OAuth2TokenValidator<Jwt> validator;

	private final Cache<String, Jwt> verified = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofMinutes(10))
		.build();

	CachingJwtDecoder(ReactiveJwtDecoder delegate, OAuth2TokenValidator<Jwt> validator) {
		this.delegate = delegate;
		this.validator = validator;
	}

	@Override
	public Mono<Jwt> decode(String token) {
		Jwt known = this.verified.getIfPresent(token);
		if (known == null) {
			return this.delegate.decode(token).doOnNext((jwt) -> this.verified.put(token, jwt));
		}
		OAuth2TokenValidatorResult result = this.validator.validate(known);
		if (result.hasErrors()) {
			this.verified.invalidate(token);
			return Mono.error(new JwtValidationException("The token is no longer valid", result.getErrors()));
		}
		return Mono.just(known);
	}

}
