package io.daeploy.manager.auth;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;

/**
 * Answers a request whose token was refused: 401, with a body that says why (expired,
 * revoked, malformed, wrong signature), shaped like the endpoint's other errors: a
 * GraphQL error with {@code extensions.code = UNAUTHENTICATED} and the reason on
 * {@code /graphql}, the original's {@code {"detail": ...}} elsewhere.
 */
final class RefusedTokenEntryPoint implements ServerAuthenticationEntryPoint {

	private final JsonMapper json = JsonMapper.shared();

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		String reason = reason(ex);
		Object body;
		if (exchange.getRequest().getPath().value().startsWith("/graphql")) {
			Map<String, Object> extensions = new LinkedHashMap<>();
			extensions.put("classification", "UNAUTHORIZED");
			extensions.put("code", "UNAUTHENTICATED");
			extensions.put("reason", reason);
			body = Map.of("errors", List.of(Map.of("message", "The token was refused: " + reason + ". Sign in again.",
					"extensions", extensions)));
		}
		else {
			body = Map.of("detail", "Token not valid: " + reason, "code", "UNAUTHENTICATED");
		}
		byte[] bytes = this.json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
		exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
		DataBuffer buffer = exchange.getResponse().bufferFactory().wrap(bytes);
		return exchange.getResponse().writeWith(Mono.just(buffer));
	}

	/**
	 * Why a token was refused, in words, without echoing the token.
	 */
	static String reason(AuthenticationException ex) {
		String description = (ex instanceof OAuth2AuthenticationException oauth && oauth.getError() != null)
				? oauth.getError().getDescription() : ex.getMessage();
		String text = ((description != null) ? description : "").toLowerCase(java.util.Locale.ROOT);
		if (text.contains("expired")) {
			return text.contains("revoked") ? "revoked or expired" : "expired";
		}
		if (text.contains("revoked") || text.contains("no longer valid")) {
			return "revoked";
		}
		if (text.contains("signature") || text.contains("signed jwt rejected")) {
			return "bad signature";
		}
		if (text.contains("malformed") || text.contains("invalid jwt") || text.contains("invalid serialized")
				|| text.contains("decode") || text.contains("parse")) {
			return "malformed";
		}
		return "invalid";
	}

}
