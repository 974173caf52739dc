package io.daeploy.manager.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

import io.daeploy.manager.audit.RestAuditFilter;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.proxy.ForwardAuth;
import io.daeploy.manager.proxy.ProxyConnector;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The browser-facing auth endpoints: sign-in (a page and a form, or JSON for the
 * dashboard), sign-out (a POST), and {@code /auth/verify}, the forward-auth check Traefik
 * asks before every service request. Sign-in and sign-out live on the dashboard's origin
 * only ({@link BrowserSession}): a request for the sign-in page on the services' origin
 * is sent there, and a sign-in or sign-out posted from anywhere else is refused, so no
 * service's page can read what is typed into the form or sign a visitor in or out.
 * Verification is a signature check plus a look-up in the in-memory set of active tokens:
 * no password hashing and no store access per request.
 */
@Configuration(proxyBeanMethods = false)
class AuthEndpoints {

	static final String COOKIE = BrowserSession.COOKIE;

	private final UserService users;

	private final TokenService tokens;

	private final ReactiveJwtDecoder decoder;

	private final DaeployProperties properties;

	private final ForwardAuth forwardAuth;

	private final ObjectProvider<ProxyConnector> proxy;

	private final JsonMapper json = JsonMapper.shared();

	AuthEndpoints(UserService users, TokenService tokens, ReactiveJwtDecoder decoder, DaeployProperties properties,
			ForwardAuthVerifier forwardAuth, ObjectProvider<ProxyConnector> proxy) {
		this.forwardAuth = forwardAuth;
		this.users = users;
		this.tokens = tokens;
		this.decoder = decoder;
		this.properties = properties;
		this.proxy = proxy;
	}

	@Bean
	RouterFunction<ServerResponse> authRoutes() {
		return RouterFunctions.route()
			.GET("/auth/verify", this::verify)
			.GET("/auth/login", this::loginPage)
			.POST("/auth/login", this::login)
			.POST("/auth/logout", this::logout)
			.GET("/auth/logout",
					(request) -> ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED)
						.header(HttpHeaders.ALLOW, "POST")
						.contentType(MediaType.TEXT_PLAIN)
						.bodyValue("Sign out with a POST\n"))
			.GET("/healthz", (request) -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue("OK"))
			.build();
	}

	Mono<ServerResponse> verify(ServerRequest request) {
		HttpCookie cookie = request.cookies().getFirst(COOKIE);
		HttpHeaders headers = request.headers().asHttpHeaders();
		String scheme = BrowserSession.scheme(headers);
		String host = firstNonNull(headers.getFirst("X-Forwarded-Host"), headers.getFirst(HttpHeaders.HOST),
				"localhost");
		String url = scheme + "://" + host + firstNonNull(headers.getFirst("X-Forwarded-Uri"), "/");
		return this.forwardAuth
			.check((cookie != null) ? cookie.getValue() : null, bearer(request), url,
					dashboardOrigin(scheme, hostOnly(host)))
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
					.bodyValue("{\"detail\":\"Token not valid!\",\"code\":\"UNAUTHENTICATED\"}");
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
		HttpHeaders headers = request.headers().asHttpHeaders();
		String destination = request.queryParam("destination").orElse("/");
		if (!BrowserSession.onDashboard(headers)) {
			// never on the services' origin, where a service's script could read the form
			return ServerResponse.seeOther(URI.create(dashboardOrigin(headers) + "/auth/login?destination="
					+ UriUtils.encodeQueryParam(destination, StandardCharsets.UTF_8)))
				.build();
		}
		return page(headers, HttpStatus.UNAUTHORIZED, safeDestination(destination, headers), null);
	}

	Mono<ServerResponse> login(ServerRequest request) {
		HttpHeaders headers = request.headers().asHttpHeaders();
		boolean json = isJson(headers);
		if (!BrowserSession.onDashboard(headers) || !BrowserSession.fromOwnOrigin(headers, false)) {
			return refuse(json, "Sign in on the dashboard's own page");
		}
		String address = ClientAddresses.of(request.remoteAddress().orElse(null),
				request.headers().firstHeader("X-Forwarded-For"));
		Mono<Credentials> credentials = json ? request.bodyToMono(String.class).<Credentials>handle((body, sink) -> {
			// the JSON `null` reads as no object at all: as malformed as any
			// other body that is not one
			Credentials read = this.json.readValue(body, Credentials.class);
			if (read != null) {
				sink.next(read);
			}
			else {
				sink.error(new MalformedCredentials());
			}
		}).defaultIfEmpty(new Credentials("", ""))
				: request.formData()
					.map((form) -> new Credentials(firstOr(form, "username", ""), firstOr(form, "password", ""),
							firstOr(form, "destination", null)));
		return credentials.flatMap((given) -> {
			// the audit log records a sign-in as the act of who signed in
			request.exchange().getAttributes().put(RestAuditFilter.ACTOR, String.valueOf(given.username()));
			request.exchange()
				.getAttributes()
				.put(RestAuditFilter.ARGUMENTS, Map.of("username", String.valueOf(given.username())));
			String destination = safeDestination(
					request.queryParam("destination").orElse((given.destination() != null) ? given.destination() : "/"),
					headers);
			return this.users
				.login((given.username() != null) ? given.username() : "",
						(given.password() != null) ? given.password() : "", address)
				.flatMap((login) -> {
					ResponseCookie cookie = sessionCookie(headers, login.token(), TokenService.SESSION_LIFETIME);
					if (json) {
						Map<String, Object> body = new LinkedHashMap<>();
						body.put("user",
								Map.of("username", login.user().username(), "role", login.user().role().name()));
						body.put("expiresAt", login.expiresAt().toString());
						return ServerResponse.ok()
							.cookie(cookie)
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(this.json.writeValueAsString(body));
					}
					return ServerResponse.seeOther(URI.create(destination)).cookie(cookie).build();
				})
				.onErrorResume(UserService.TooManyAttempts.class,
						(ex) -> json ? error(HttpStatus.TOO_MANY_REQUESTS, ex)
								: page(headers, HttpStatus.TOO_MANY_REQUESTS, destination, ex.getMessage()))
				.onErrorResume(DaeployException.class, (ex) -> json ? error(HttpStatus.UNAUTHORIZED, ex)
						: page(headers, HttpStatus.UNAUTHORIZED, destination, ex.getMessage()));
		})
			.onErrorResume(
					(ex) -> ex instanceof tools.jackson.core.JacksonException || ex instanceof MalformedCredentials,
					(ex) -> ServerResponse.badRequest()
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue("{\"message\":\"Send {\\\"username\\\": ..., \\\"password\\\": ...}\","
								+ "\"code\":\"INVALID_INPUT\"}"));
	}

	Mono<ServerResponse> logout(ServerRequest request) {
		HttpHeaders headers = request.headers().asHttpHeaders();
		HttpCookie cookie = request.cookies().getFirst(COOKIE);
		String bearer = bearer(request);
		boolean browser = cookie != null && !cookie.getValue().isEmpty();
		if (browser && (!BrowserSession.onDashboard(headers) || !BrowserSession.fromOwnOrigin(headers, false))) {
			return refuse(isJson(headers) || !isForm(headers), "Sign out on the dashboard's own page");
		}
		String token = browser ? cookie.getValue() : bearer;
		Mono<Boolean> revoked = (token != null) ? this.decoder.decode(token)
			.filter((jwt) -> TokenKind.SESSION.name().equals(jwt.getClaimAsString(TokenService.KIND_CLAIM)))
			.flatMap((jwt) -> this.tokens.revoke(jwt.getId()))
			.onErrorResume((ex) -> Mono.just(false)) : Mono.just(false);
		ResponseCookie cleared = sessionCookie(headers, "", Duration.ZERO);
		return revoked.flatMap(
				(done) -> isForm(headers) ? ServerResponse.seeOther(URI.create("/auth/login")).cookie(cleared).build()
						: ServerResponse.noContent().cookie(cleared).build());
	}

	private Mono<ServerResponse> refuse(boolean json, String message) {
		return json
				? ServerResponse.status(HttpStatus.FORBIDDEN)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(this.json.writeValueAsString(Map.of("message", message, "code", "FORBIDDEN")))
				: ServerResponse.status(HttpStatus.FORBIDDEN)
					.contentType(MediaType.TEXT_PLAIN)
					.bodyValue(message + "\n");
	}

	private Mono<ServerResponse> error(HttpStatus status, DaeployException ex) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("message", ex.getMessage());
		body.put("code", ex.code().name());
		body.putAll(ex.extensions());
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(this.json.writeValueAsString(body));
	}

	private Mono<ServerResponse> page(HttpHeaders headers, HttpStatus status, String destination, String error) {
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
		return ServerResponse.status(status)
			.contentType(MediaType.TEXT_HTML)
			// the form posts with the page's origin, which the sign-in checks
			.header("Referrer-Policy", "same-origin")
			.header("Content-Security-Policy",
					"default-src 'none'; style-src 'unsafe-inline'; form-action 'self' " + servicesOrigin(headers)
							+ "; " + "frame-ancestors 'none'; base-uri 'none'")
			.bodyValue(html);
	}

	private ResponseCookie sessionCookie(HttpHeaders headers, String value, Duration maxAge) {
		return ResponseCookie.from(COOKIE, value)
			.httpOnly(true)
			.sameSite("Lax")
			.secure("https".equals(BrowserSession.scheme(headers)) || this.properties.proxy().https())
			.path("/")
			.maxAge(maxAge)
			.build();
	}

	/**
	 * Where a sign-in may send the browser back to: a path of the same site, or a URL of
	 * this host on the dashboard's or the services' port. Anything else (another host,
	 * {@code //host}, a scheme such as {@code javascript:}) becomes {@code /}.
	 */
	String safeDestination(String destination, HttpHeaders headers) {
		if (destination == null || destination.chars().anyMatch((c) -> c < 0x20 || c == '\\')) {
			return "/";
		}
		if (destination.startsWith("/") && !destination.startsWith("//")) {
			return destination;
		}
		try {
			URI uri = URI.create(destination);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(java.util.Locale.ROOT) : "";
			int port = (uri.getPort() > 0) ? uri.getPort() : scheme.equals("https") ? 443 : 80;
			boolean ours = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
					&& uri.getRawUserInfo() == null && uri.getHost().equalsIgnoreCase(BrowserSession.hostName(headers))
					&& (port == proxy().httpPort() || port == proxy().dashboardPort()
							|| port == this.properties.proxy().httpsPort());
			return ours ? UriComponentsBuilder.fromUri(uri).build().toUriString() : "/";
		}
		catch (IllegalArgumentException ex) {
			return "/";
		}
	}

	/**
	 * The services' origin on this host: where a sign-in may send the browser back to
	 * (the page's form-action allows it, for Chromium applies it to the redirect).
	 */
	private String servicesOrigin(HttpHeaders headers) {
		String host = BrowserSession.hostName(headers);
		host = (host.contains(":") && !host.startsWith("[")) ? "[" + host + "]" : host;
		return BrowserSession.scheme(headers) + "://" + host + ":" + proxy().httpPort();
	}

	private String dashboardOrigin(HttpHeaders headers) {
		return dashboardOrigin(BrowserSession.scheme(headers), BrowserSession.hostName(headers));
	}

	private String dashboardOrigin(String scheme, String hostName) {
		String host = (hostName.contains(":") && !hostName.startsWith("[")) ? "[" + hostName + "]" : hostName;
		return scheme + "://" + host + ":" + proxy().dashboardPort();
	}

	private ProxyConnector proxy() {
		return this.proxy.getObject();
	}

	private static String hostOnly(String host) {
		try {
			String name = URI.create("http://" + host).getHost();
			return (name != null) ? name : "localhost";
		}
		catch (IllegalArgumentException ex) {
			return "localhost";
		}
	}

	private static boolean isJson(HttpHeaders headers) {
		MediaType type = headers.getContentType();
		return type != null && type.isCompatibleWith(MediaType.APPLICATION_JSON);
	}

	private static boolean isForm(HttpHeaders headers) {
		MediaType type = headers.getContentType();
		return type != null && type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED);
	}

	private static String bearer(ServerRequest request) {
		return ForwardAuth.bearerToken(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
	}

	private static String firstOr(MultiValueMap<String, String> form, String key, String fallback) {
		String value = form.getFirst(key);
		return (value != null) ? value : fallback;
	}

	private static String firstNonNull(String... values) {
		for (String value : values) {
			if (value != null && !value.isEmpty()) {
				return value;
			}
		}
		return null;
	}

	/**
	 * What a sign-in sends.
	 *
	 * @param username user name
	 * @param password password
	 * @param destination where to go afterwards (form only), or {@code null}
	 */
	record Credentials(String username, String password, String destination) {

		Credentials(String username, String password) {
			this(username, password, null);
		}

	}

	/** A sign-in body that is JSON but no object. */
	private static final class MalformedCredentials extends RuntimeException {

		MalformedCredentials() {
			super("not an object", null, false, false);
		}

	}

}
