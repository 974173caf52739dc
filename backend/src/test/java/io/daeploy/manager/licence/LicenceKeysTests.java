package io.daeploy.manager.licence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.daeploy.manager.licence.LicenceKeys.InvalidLicenceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Licence keys verify only when they are ES256 licence keys signed with the manager's
 * public key, unchanged.
 */
class LicenceKeysTests {

	private static final ECKey ISSUER = LicenceKeys.generate();

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	private static final Licence LICENCE = new Licence("id-1", "ACME Ltd", NOW, NOW.plus(90, ChronoUnit.DAYS),
			new Licence.Limits(5, 10));

	@Test
	void aSignedLicenceVerifiesAndSaysWhatItWasIssuedWith() {
		String key = LicenceKeys.sign(LICENCE, ISSUER);
		assertThat(LicenceKeys.verify(key, ISSUER.toPublicJWK())).isEqualTo(LICENCE);
		Licence unlimited = new Licence("id-2", "Solo", NOW, NOW.plusSeconds(60), Licence.Limits.NONE);
		assertThat(LicenceKeys.verify(LicenceKeys.sign(unlimited, ISSUER), ISSUER.toPublicJWK()).limits())
			.isEqualTo(Licence.Limits.NONE);
	}

	@Test
	void anExpiredLicenceStillVerifies() {
		Licence expired = new Licence("id-3", "Late", NOW.minus(20, ChronoUnit.DAYS), NOW.minus(1, ChronoUnit.DAYS),
				Licence.Limits.NONE);
		assertThat(LicenceKeys.verify(LicenceKeys.sign(expired, ISSUER), ISSUER.toPublicJWK()).expiresAt())
			.isEqualTo(expired.expiresAt());
	}

	@Test
	void aKeySignedWithAnotherKeyIsRefused() {
		String forged = LicenceKeys.sign(LICENCE, LicenceKeys.generate());
		assertThatExceptionOfType(InvalidLicenceException.class)
			.isThrownBy(() -> LicenceKeys.verify(forged, ISSUER.toPublicJWK()))
			.withMessageContaining("signature does not match");
	}

	@Test
	void aTamperedKeyIsRefused() {
		String[] parts = LicenceKeys.sign(LICENCE, ISSUER).split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		String longer = payload.replace("\"maxServices\":5", "\"maxServices\":500");
		assertThat(longer).isNotEqualTo(payload);
		String tampered = parts[0] + "."
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(longer.getBytes(StandardCharsets.UTF_8)) + "."
				+ parts[2];
		assertThatExceptionOfType(InvalidLicenceException.class)
			.isThrownBy(() -> LicenceKeys.verify(tampered, ISSUER.toPublicJWK()));
	}

	@Test
	void otherAlgorithmsAndTypesAreRefused() throws Exception {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("ACME")
			.expirationTime(java.util.Date.from(NOW.plusSeconds(3600)))
			.build();
		SignedJWT hmac = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(LicenceKeys.TYPE)).build(), claims);
		hmac.sign(new MACSigner(new byte[32]));
		assertThatExceptionOfType(InvalidLicenceException.class)
			.isThrownBy(() -> LicenceKeys.verify(hmac.serialize(), ISSUER.toPublicJWK()))
			.withMessageContaining("HS256");

		SignedJWT plainJwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
				claims);
		plainJwt.sign(new ECDSASigner(ISSUER));
		assertThatExceptionOfType(InvalidLicenceException.class)
			.isThrownBy(() -> LicenceKeys.verify(plainJwt.serialize(), ISSUER.toPublicJWK()))
			.withMessageContaining("not a licence key");

		String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
				+ hmac.serialize().split("\\.")[1] + ".";
		assertThatExceptionOfType(InvalidLicenceException.class)
			.isThrownBy(() -> LicenceKeys.verify(unsigned, ISSUER.toPublicJWK()));
	}

	@Test
	void garbageAndOversizedKeysAreRefused() {
		for (String garbage : new String[] { "", "   ", "not-a-key", "a.b.c",
				"x".repeat(LicenceKeys.MAX_LENGTH + 1) }) {
			assertThatExceptionOfType(InvalidLicenceException.class)
				.isThrownBy(() -> LicenceKeys.verify(garbage, ISSUER.toPublicJWK()));
		}
		assertThatExceptionOfType(InvalidLicenceException.class)
			.isThrownBy(() -> LicenceKeys.verify(null, ISSUER.toPublicJWK()));
	}

	@Test
	void claimsThatAreMissingOrWrongAreRefused() throws Exception {
		JWTClaimsSet noExpiry = new JWTClaimsSet.Builder().subject("ACME").build();
		JWTClaimsSet noHolder = new JWTClaimsSet.Builder().expirationTime(java.util.Date.from(NOW.plusSeconds(60)))
			.build();
		JWTClaimsSet negative = new JWTClaimsSet.Builder().subject("ACME")
			.expirationTime(java.util.Date.from(NOW.plusSeconds(60)))
			.claim("maxUsers", -1)
			.build();
		JWTClaimsSet text = new JWTClaimsSet.Builder().subject("ACME")
			.expirationTime(java.util.Date.from(NOW.plusSeconds(60)))
			.claim("maxServices", "many")
			.build();
		for (JWTClaimsSet claims : new JWTClaimsSet[] { noExpiry, noHolder, negative, text }) {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(LicenceKeys.TYPE)).build(),
					claims);
			jwt.sign(new ECDSASigner(ISSUER));
			assertThatExceptionOfType(InvalidLicenceException.class).as(claims.toString())
				.isThrownBy(() -> LicenceKeys.verify(jwt.serialize(), ISSUER.toPublicJWK()));
		}
	}

	@Test
	void publicKeysAreReadAsJwkOrPem() {
		ECKey fromJwk = LicenceKeys.parsePublicKey(ISSUER.toPublicJWK().toJSONString());
		ECKey fromPem = LicenceKeys.parsePublicKey(LicenceKeys.toPem(ISSUER));
		String key = LicenceKeys.sign(LICENCE, ISSUER);
		assertThat(LicenceKeys.verify(key, fromJwk)).isEqualTo(LICENCE);
		assertThat(LicenceKeys.verify(key, fromPem)).isEqualTo(LICENCE);
		// a private JWK given by mistake is used for its public half only
		assertThat(LicenceKeys.parsePublicKey(ISSUER.toJSONString()).isPrivate()).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> LicenceKeys.parsePublicKey("hello"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LicenceKeys.parsePublicKey("{\"kty\":\"oct\",\"k\":\"AAAA\"}"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LicenceKeys.parsePublicKey("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----"));
	}

	@Test
	void theShippedPublicKeyIsAPublicP256Key() {
		ECKey shipped = LicenceService.publicKey(null);
		assertThat(shipped.isPrivate()).isFalse();
		assertThat(shipped.getCurve()).isEqualTo(com.nimbusds.jose.jwk.Curve.P_256);
	}

}
