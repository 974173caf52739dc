package io.daeploy.manager.auth;

import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The HS256 signing secret: 256 random bits generated on first start and stored in the
 * {@code config} table, so tokens survive restarts.
 */
final class JwtSecret {

	private static final String KEY = "jwt.secret";

	private static final Log logger = LogFactory.getLog(JwtSecret.class);

	private JwtSecret() {
	}

	/**
	 * Reads the stored secret, generating and storing one on first start. Runs once at
	 * start-up, before the server takes requests.
	 * @param db the store
	 * @return the secret key
	 */
	static SecretKey loadOrCreate(DatabaseClient db) {
		String stored = read(db);
		if (stored == null) {
			byte[] secret = new byte[32];
			new SecureRandom().nextBytes(secret);
			String encoded = Base64.getEncoder().encodeToString(secret);
			db.sql("INSERT INTO config (key, value) VALUES (:key, :value) ON CONFLICT (key) DO NOTHING")
				.bind("key", KEY)
				.bind("value", encoded)
				.then()
				.block();
			// another process may have stored one first: read whichever won
			stored = read(db);
			logger.info("Generated the token signing secret");
		}
		return new SecretKeySpec(Base64.getDecoder().decode(stored), "HmacSHA256");
	}

	private static String read(DatabaseClient db) {
		return db.sql("SELECT value FROM config WHERE key = :key")
			.bind("key", KEY)
			.map((row) -> row.get("value", String.class))
			.one()
			.block();
	}

}
