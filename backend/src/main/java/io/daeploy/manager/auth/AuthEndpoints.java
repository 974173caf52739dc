package io.daeploy.manager.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ForwardAuth;
import io.daeploy.manager.error.DaeployException;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriUtils;

/**
 * The browser-facing auth endpoints: the login page and form, logout, and
 * {@code /auth/verify}, the forward-auth check the proxy asks before every service
 * request. Verification is a signature check plus a look-up in the in-memory set of
 * active tokens: no password hashing and no store access per request.
 */
@Configuration(proxyBeanMethods = false)
class AuthEndpoints {

	static final String COOKIE = "daeploy";

	private final UserService users;

	private final TokenService tokens;

	private final ReactiveJwtDecoder decoder;

	private final DaeployProperties properties;

	private final ForwardAuth forwardAuth;

	AuthEndpoints(UserService users, TokenService tokens, ReactiveJwtDecoder decoder, DaeployProperties properties,
			ForwardAuthVerifier forwardAuth) {
		this.forwardAuth = forwardAuth;
		this.users = users;
		this.tokens = tokens;
		this.decoder = decoder;
		this.properties = properties;
	}

	@Bean
	RouterFunction<ServerResponse> authRoutes() {
		return RouterFunctions.route()
			.GET("/auth/verify", this::verify)
			.GET("/auth/login", this::loginPage)
			.POST("/auth/login", this::login)
			.GET("/auth/logout", this::logout)
			.POST("/auth/logout", this::logout)
			.GET("/healthz", (request) -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue("OK"))
			.build();
	}

	Mono<ServerResponse> verify(ServerRequest request) {
		HttpCookie cookie = request.cookies().getFirst(COOKIE);
		return this.forwardAuth
			.check((cookie != null) ? cookie.getValue() : null, bearer(request),
					request.headers().firstHeader("X-Forwarded-Uri"))
			.flatMap((decision) -> switch (decision.status()) {
				case 200 -> {
					ServerResponse.BodyBuilder ok = ServerResponse.ok();
					if (decision.user() != null) {
						ok.header("X-Daeploy-User", decision.user());
					}
					forwardedCredentials(request, decision, ok);
					yield ok.contentType(MediaType.TEXT_PLAIN).bodyValue("OK");
				}
				case 401 -> ServerResponse.status(HttpStatus.UNAUTHORIZED)
					.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"detail\":\"Token not valid!\"}");
				default -> ServerResponse.seeOther(URI.create(decision.location())).build();
			});
	}

	/**
	 * What Traefik forwards to the service in place of the caller's {@code Authorization}
	 * and {@code Cookie} headers (its {@code forwardAuth} replaces them with these, or
	 * drops them when absent): the same headers without the manager's credentials.
	 */
	private static void forwardedCredentials(ServerRequest request, ForwardAuth.Decision decision,
			ServerResponse.BodyBuilder ok) {
		String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && !decision.managerBearer()) {
			ok.header(HttpHeaders.AUTHORIZATION, authorization);
		}
		List<String> cookies = request.headers().header(HttpHeaders.COOKIE);
		String kept = cookies.isEmpty() ? null : ForwardAuth.withoutSessionCookie(String.join("; ", cookies));
		if (kept != null) {
			ok.header(HttpHeaders.COOKIE, kept);
		}
	}

	Mono<ServerResponse> loginPage(ServerRequest request) {
		return page(HttpStatus.UNAUTHORIZED, safeDestination(request.queryParam("destination").orElse("/")), null);
	}

	Mono<ServerResponse> login(ServerRequest request) {
		String address = ClientAddresses.of(request.remoteAddress().orElse(null),
				request.headers().firstHeader("X-Forwarded-For"));
		return request.formData().flatMap((form) -> {
			String destination = safeDestination(
					request.queryParam("destination").orElse(firstOr(form, "destination", "/")));
			return this.users.login(firstOr(form, "username", ""), firstOr(form, "password", ""), address)
				.flatMap((login) -> ServerResponse.seeOther(URI.create(destination))
					.cookie(sessionCookie(request, login.token(), TokenService.SESSION_LIFETIME))
					.build())
				.onErrorResume(UserService.TooManyAttempts.class,
						(ex) -> page(HttpStatus.TOO_MANY_REQUESTS, destination, ex.getMessage()))
				.onErrorResume(DaeployException.class,
						(ex) -> page(HttpStatus.UNAUTHORIZED, destination, ex.getMessage()));
		});
	}

	Mono<ServerResponse> logout(ServerRequest request) {
		HttpCookie cookie = request.cookies().getFirst(COOKIE);
		String token = (cookie != null && !cookie.getValue().isEmpty()) ? cookie.getValue() : bearer(request);
		Mono<Boolean> revoked = (token != null) ? this.decoder.decode(token)
			.filter((jwt) -> TokenKind.SESSION.name().equals(jwt.getClaimAsString(TokenService.KIND_CLAIM)))
			.flatMap((jwt) -> this.tokens.revoke(jwt.getId()))
			.onErrorResume((ex) -> Mono.just(false)) : Mono.just(false);
		return revoked.then(ServerResponse.seeOther(URI.create("/auth/login"))
			.cookie(sessionCookie(request, "", Duration.ZERO))
			.build());
	}

	private Mono<ServerResponse> page(HttpStatus status, String destination, String error) {
		String html = """
				<!doctype html>
				<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
				<title>Daeploy — Sign in</title>
				<style>
				body{margin:0;min-height:100vh;display:grid;place-items:center;background:#0E1320;color:#E7ECF5;font:16px system-ui,sans-serif}
				form{background:#161C2C;border:1px solid #28324A;border-radius:12px;padding:2rem;width:min(22rem,90vw);display:grid;gap:.75rem}
				h1{margin:0 0 .5rem;font-size:1.25rem}h1 b{color:#5EE6D0}label{display:grid;gap:.25rem;color:#8B95AC;font-size:.875rem}
				input{background:#1C2438;border:1px solid #28324A;border-radius:6px;color:#E7ECF5;padding:.5rem;font:inherit}
				button{background:#5EE6D0;color:#072019;border:0;border-radius:6px;padding:.6rem;font:inherit;font-weight:600;cursor:pointer}
				:focus-visible{outline:2px solid #5EE6D0;outline-offset:2px}.error{color:#F2585B;margin:0}
				</style></head><body>
				<form method="post" action="/auth/login?destination=%s">
				<h1>dae<b>ploy</b> · Sign in to your control plane</h1>
				%s
				<label>User name<input name="username" autocomplete="username" placeholder="admin" required autofocus></label>
				<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
				<button type="submit">Log in</button>
				</form></body></html>
				"""
			.formatted(HtmlUtils.htmlEscape(UriUtils.encodeQueryParam(destination, StandardCharsets.UTF_8)),
					(error != null) ? "<p class=\"error\" role=\"alert\">" + HtmlUtils.htmlEscape(error) + "</p>" : "");
		return ServerResponse.status(status).contentType(MediaType.TEXT_HTML).bodyValue(html);
	}

	private ResponseCookie sessionCookie(ServerRequest request, String value, Duration maxAge) {
		return ResponseCookie.from(COOKIE, value)
			.httpOnly(true)
			.sameSite("Lax")
			.secure(isHttps(request))
			.path("/")
			.maxAge(maxAge)
			.build();
	}

	private boolean isHttps(ServerRequest request) {
		return "https".equalsIgnoreCase(request.uri().getScheme())
				|| "https".equalsIgnoreCase(request.headers().firstHeader("X-Forwarded-Proto"))
				|| this.properties.proxy().https();
	}

	/**
	 * Only same-site paths: no scheme, no host, no protocol-relative {@code //host}.
	 */
	static String safeDestination(String destination) {
		if (destination == null || !destination.startsWith("/") || destination.startsWith("//")
				|| destination.startsWith("/\\") || destination.chars().anyMatch((c) -> c < 0x20)) {
			return "/";
		}
		return destination;
	}

	private static String bearer(ServerRequest request) {
		return ForwardAuth.bearerToken(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
	}

	private static String firstOr(MultiValueMap<String, String> form, String key, String fallback) {
		String value = form.getFirst(key);
		return (value != null) ? value : fallback;
	}

}
