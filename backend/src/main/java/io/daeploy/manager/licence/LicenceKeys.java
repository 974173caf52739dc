package io.daeploy.manager.licence;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Licence keys: compact JWS signed with ES256 (ECDSA over P-256 with SHA-256), header
 * {@code typ} {@value #TYPE}, claims {@code sub} (the holder), {@code exp}, {@code iat},
 * {@code jti} and, when limited, {@code maxServices} and {@code maxUsers}. ES256 because
 * the JDK and Nimbus JOSE sign and verify it with nothing more (Nimbus's Ed25519 needs
 * Google Tink). Public keys are read as a JWK (JSON) or as PEM
 * ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo); private keys as a
 * JWK.
 */
public final class LicenceKeys {

	/**
	 * The JWS {@code typ} of a licence key, so no other token signed by the key passes.
	 */
	public static final String TYPE = "daeploy-licence+jwt";

	/** The longest key (or public key text) taken; real ones are well under 1 KB. */
	public static final int MAX_LENGTH = 8192;

	/** The longest holder name. */
	public static final int MAX_HOLDER = 200;

	private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";

	private static final String PEM_END = "-----END PUBLIC KEY-----";

	private LicenceKeys() {
	}

	/**
	 * A new P-256 key pair for signing licences.
	 * @return the key pair, as a private JWK (its {@link ECKey#toPublicJWK()} is the
	 * public part)
	 */
	public static ECKey generate() {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not generate a P-256 key pair", ex);
		}
	}

	/**
	 * Signs a licence.
	 * @param licence what it says (its id and issue time are used as given)
	 * @param privateKey the issuer's private key
	 * @return the licence key, a compact JWS
	 */
	public static String sign(Licence licence, ECKey privateKey) {
		if (!privateKey.isPrivate()) {
			throw new IllegalArgumentException("Signing needs the private key, not the public one");
		}
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(licence.holder())
			.jwtID(licence.id())
			.issueTime(Date.from(licence.issuedAt()))
			.expirationTime(Date.from(licence.expiresAt()));
		if (licence.limits().maxServices() != null) {
			claims.claim("maxServices", licence.limits().maxServices());
		}
		if (licence.limits().maxUsers() != null) {
			claims.claim("maxUsers", licence.limits().maxUsers());
		}
		JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(TYPE))
			.keyID(privateKey.getKeyID())
			.build();
		SignedJWT jwt = new SignedJWT(header, claims.build());
		try {
			jwt.sign(new ECDSASigner(privateKey));
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("Could not sign the licence: " + ex.getMessage(), ex);
		}
		return jwt.serialize();
	}

	/**
	 * Verifies a licence key against the public key and reads it. Expiry is not judged
	 * here: an expired licence verifies.
	 * @param key the licence key
	 * @param publicKey the public key it must be signed with
	 * @return what the licence says
	 * @throws InvalidLicenceException when it is not a licence key signed with that key
	 */
	public static Licence verify(String key, ECKey publicKey) {
		if (key == null || key.isBlank()) {
			throw new InvalidLicenceException("The licence key is empty");
		}
		if (key.length() > MAX_LENGTH) {
			throw new InvalidLicenceException("The licence key is longer than " + MAX_LENGTH + " characters");
		}
		SignedJWT jwt;
		try {
			jwt = SignedJWT.parse(key.strip());
		}
		catch (ParseException ex) {
			throw new InvalidLicenceException("The licence key is not a signed JWS");
		}
		JWSHeader header = jwt.getHeader();
		if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
			throw new InvalidLicenceException(
					"The licence key is signed with " + header.getAlgorithm() + ", not ES256");
		}
		if (header.getType() == null || !TYPE.equals(header.getType().getType())) {
			throw new InvalidLicenceException("The key is not a licence key (its typ is not " + TYPE + ")");
		}
		try {
			if (!jwt.verify(new ECDSAVerifier(publicKey))) {
				throw new InvalidLicenceException(
						"The licence key's signature does not match the manager's licence public key");
			}
		}
		catch (JOSEException ex) {
			throw new InvalidLicenceException("The licence key's signature could not be checked: " + ex.getMessage());
		}
		try {
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			String holder = claims.getSubject();
			if (holder == null || holder.isBlank() || holder.length() > MAX_HOLDER) {
				throw new InvalidLicenceException(
						"The licence names no holder (or one over " + MAX_HOLDER + " characters)");
			}
			if (claims.getExpirationTime() == null) {
				throw new InvalidLicenceException("The licence has no expiry");
			}
			Instant issued = (claims.getIssueTime() != null) ? claims.getIssueTime().toInstant() : null;
			String id = (claims.getJWTID() != null) ? claims.getJWTID() : "";
			return new Licence(id, holder, issued, claims.getExpirationTime().toInstant(),
					new Licence.Limits(limit(claims, "maxServices"), limit(claims, "maxUsers")));
		}
		catch (ParseException ex) {
			throw new InvalidLicenceException("The licence's claims are malformed: " + ex.getMessage());
		}
	}

	private static Integer limit(JWTClaimsSet claims, String name) throws ParseException {
		Object value = claims.getClaim(name);
		if (value == null) {
			return null;
		}
		if (!(value instanceof Number number) || number.longValue() < 0 || number.longValue() > Integer.MAX_VALUE
				|| number.doubleValue() != number.longValue()) {
			throw new InvalidLicenceException("The licence's " + name + " is not a whole number of 0 or more");
		}
		return number.intValue();
	}

	/**
	 * Reads a public key given as a JWK (JSON) or as PEM.
	 * @param text the key
	 * @return the public key
	 * @throws IllegalArgumentException when it is neither, or not a P-256 public key
	 */
	public static ECKey parsePublicKey(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("The licence public key is empty");
		}
		if (text.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("The licence public key is longer than " + MAX_LENGTH + " characters");
		}
		String trimmed = text.strip();
		ECKey key;
		if (trimmed.startsWith("{")) {
			try {
				JWK jwk = JWK.parse(trimmed);
				if (!(jwk instanceof ECKey ec)) {
					throw new IllegalArgumentException(
							"The licence public key is a " + jwk.getKeyType() + " JWK; it must be an EC key on P-256");
				}
				key = ec;
			}
			catch (ParseException ex) {
				throw new IllegalArgumentException("The licence public key is not a valid JWK: " + ex.getMessage(), ex);
			}
		}
		else if (trimmed.startsWith(PEM_BEGIN) && trimmed.contains(PEM_END)) {
			String body = trimmed.substring(PEM_BEGIN.length(), trimmed.indexOf(PEM_END)).replaceAll("\\s", "");
			try {
				byte[] der = Base64.getDecoder().decode(body);
				java.security.PublicKey decoded = KeyFactory.getInstance("EC")
					.generatePublic(new X509EncodedKeySpec(der));
				if (!(decoded instanceof ECPublicKey ec)) {
					throw new IllegalArgumentException("The licence public key is not an EC key");
				}
				key = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
			}
			catch (IllegalArgumentException | GeneralSecurityException ex) {
				throw new IllegalArgumentException("The licence public key is not a valid PEM EC public key", ex);
			}
		}
		else {
			throw new IllegalArgumentException(
					"The licence public key must be a JWK (JSON) or PEM (-----BEGIN PUBLIC KEY-----)");
		}
		if (!Curve.P_256.equals(key.getCurve())) {
			throw new IllegalArgumentException("The licence public key is on " + key.getCurve() + ", not P-256");
		}
		return key.toPublicJWK();
	}

	/**
	 * A public key as PEM (X.509 SubjectPublicKeyInfo).
	 * @param key the key (private or public)
	 * @return the PEM text
	 */
	public static String toPem(ECKey key) {
		try {
			byte[] der = key.toECPublicKey().getEncoded();
			String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
			return PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not encode the public key", ex);
		}
	}

	/**
	 * A key that is not a licence signed with the manager's public key: malformed,
	 * tampered, signed with another key or algorithm, or missing a claim.
	 */
	public static final class InvalidLicenceException extends RuntimeException {

		InvalidLicenceException(String message) {
			super(message);
		}

	}

}
