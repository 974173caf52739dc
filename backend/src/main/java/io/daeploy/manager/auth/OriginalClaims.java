package io.daeploy.manager.auth;

import java.util.HashMap;
import java.util.Map;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.JwtClaimNames;

/**
 * Reads tokens the original Daeploy issued, whose claims are {@code {id, iat[, exp]}}:
 * when a token has no {@code jti} and its {@code id} is an active token's (one imported
 * from the original), it is read as that token, with the subject and role stored for it.
 * Then it is validated as any other: signature, expiry, and the revocation set. Any other
 * token's claims pass unchanged; the original's login sessions ({@code id} a user name)
 * match no active token and are refused.
 */
class OriginalClaims implements Converter<Map<String, Object>, Map<String, Object>> {

	/** The original's claim holding the token's uuid (or, for a session, a user name). */
	static final String ID_CLAIM = "id";

	private final Converter<Map<String, Object>, Map<String, Object>> standard;

	private final ActiveTokens active;

	OriginalClaims(Converter<Map<String, Object>, Map<String, Object>> standard, ActiveTokens active) {
		this.standard = standard;
		this.active = active;
	}

	@Override
	public Map<String, Object> convert(Map<String, Object> claims) {
		Map<String, Object> converted = this.standard.convert(claims);
		if (converted == null || converted.containsKey(JwtClaimNames.JTI)
				|| !(converted.get(ID_CLAIM) instanceof String id)) {
			return converted;
		}
		IssuedToken token = this.active.find(id);
		if (token == null) {
			return converted;
		}
		Map<String, Object> read = new HashMap<>(converted);
		read.put(JwtClaimNames.JTI, token.id());
		read.put(JwtClaimNames.SUB, token.subject());
		read.put(TokenService.ROLE_CLAIM, token.role().name());
		read.put(TokenService.KIND_CLAIM, token.kind().name());
		return read;
	}

}
