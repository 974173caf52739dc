package io.daeploy.manager.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CachingJwtDecoderTests {

	private final SecretKey key = new SecretKeySpec(new byte[32], "HmacSHA256");

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	private final ActiveTokens active = new ActiveTokens(Clock.fixed(this.now, ZoneOffset.UTC));

	private final CachingJwtDecoder decoder = decoder();

	@Test
	void aTokenSeenAgainIsNotParsedAgainButStillChecked() {
		String token = issue("t1");
		Jwt first = this.decoder.decode(token).block();
		assertThat(this.decoder.decode(token).block()).isSameAs(first);

		this.active.remove("t1");
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> this.decoder.decode(token).block());
	}

	@Test
	void aRememberedTokenOfAnotherKeyOrTamperedIsStillRefused() {
		String token = issue("t2");
		this.decoder.decode(token).block();
		String[] parts = token.split("\\.");
		String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> this.decoder.decode(tampered).block());
	}

	private CachingJwtDecoder decoder() {
		NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withSecretKey(this.key)
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(
				new JwtTimestampValidator(Duration.ZERO), this.active);
		nimbus.setJwtValidator(validator);
		return new CachingJwtDecoder(nimbus, validator);
	}

	private String issue(String id) {
		this.active.add(new IssuedToken(id, TokenKind.API, 1L, "someone", Role.USER, "test", this.now,
				this.now.plus(Duration.ofDays(1)), null));
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.id(id)
			.subject("someone")
			.issuedAt(this.now)
			.expiresAt(this.now.plus(Duration.ofDays(1)))
			.claim(TokenService.ROLE_CLAIM, "USER")
			.claim(TokenService.KIND_CLAIM, "API")
			.build();
		return new NimbusJwtEncoder(new ImmutableSecret<>(this.key))
			.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

}
