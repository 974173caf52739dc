package io.daeploy.manager.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.graphql.server.support.AbstractAuthenticationWebSocketInterceptor;
import org.springframework.graphql.server.support.BearerTokenAuthenticationExtractor;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * Authenticates GraphQL WebSocket connections and ends them when their token ends.
 * <p>
 * The token comes from the {@code connection_init} payload ({@code {"Authorization":
 * "Bearer <token>"}}), or, for the dashboard, from the session cookie sent with the
 * handshake, when the handshake came in on the dashboard's port from its own origin
 * ({@link BrowserSession}; browsers apply no same-origin rule to WebSockets, so the
 * {@code Origin} must be there and equal). Without a valid token (when auth is on) the
 * connection is closed with 4401.
 * <p>
 * Every open connection is checked again every {@link #CHECK_EVERY}: one whose token was
 * revoked (sign-out, a revoked API token, a deleted user), expired, or no longer matches
 * its user's role is closed with 4401, so a session ends everywhere at once.
 */
class SessionWebSocketInterceptor extends AbstractAuthenticationWebSocketInterceptor {

	/** How often open connections are checked. */
	static final Duration CHECK_EVERY = Duration.ofSeconds(1);

	/** The session attribute holding the connection's token. */
	private static final String TOKEN = SessionWebSocketInterceptor.class.getName() + ".token";

	private static final Log logger = LogFactory.getLog(SessionWebSocketInterceptor.class);

	private final ReactiveAuthenticationManager authenticationManager;

	private final OAuth2TokenValidator<Jwt> validator;

	private final Clock clock;

	private final boolean enabled;

	private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();

	private final Disposable checking;

	SessionWebSocketInterceptor(ReactiveAuthenticationManager authenticationManager,
			OAuth2TokenValidator<Jwt> validator, Clock clock, boolean enabled) {
		super(new BearerTokenAuthenticationExtractor());
		this.authenticationManager = authenticationManager;
		this.validator = validator;
		this.clock = clock;
		this.enabled = enabled;
		this.checking = Flux.interval(CHECK_EVERY).onBackpressureDrop().subscribe((tick) -> checkAll());
	}

	@PreDestroy
	void stop() {
		this.checking.dispose();
	}

	/**
	 * Tracks an open connection, until it closes.
	 * @param session the connection
	 * @return a handle that forgets it
	 */
	Runnable opened(WebSocketSession session) {
		this.sessions.put(session.getId(), session);
		return () -> this.sessions.remove(session.getId());
	}

	/**
	 * How many connections are open.
	 * @return the count
	 */
	int open() {
		return this.sessions.size();
	}

	@Override
	public Mono<Object> handleConnectionInitialization(WebSocketSessionInfo info, Map<String, Object> payload) {
		Map<String, Object> given = (payload != null) ? payload : Map.of();
		boolean hasToken = given.keySet().stream().anyMatch((key) -> key.equalsIgnoreCase(HttpHeaders.AUTHORIZATION));
		Map<String, Object> effective = given;
		if (!hasToken) {
			String cookie = BrowserSession.token(info.getHeaders(), cookies(info.getHeaders()), true);
			if (cookie != null) {
				effective = new LinkedHashMap<>(given);
				effective.put(HttpHeaders.AUTHORIZATION, "Bearer " + cookie);
			}
			else if (this.enabled) {
				return Mono.error(new OAuth2AuthenticationException(BearerTokenErrors
					.invalidRequest("connection_init must carry an Authorization token, or the dashboard's session")));
			}
			else {
				return Mono.empty();
			}
		}
		return super.handleConnectionInitialization(info, effective).doOnSuccess((ack) -> {
			for (Object value : info.getAttributes().values()) {
				if (value instanceof SecurityContext context
						&& context.getAuthentication() instanceof JwtAuthenticationToken jwt) {
					info.getAttributes().put(TOKEN, jwt.getToken());
				}
			}
		});
	}

	@Override
	protected Mono<Authentication> authenticate(Authentication authentication) {
		return this.authenticationManager.authenticate(authentication);
	}

	@Override
	protected ContextView getContextToWrite(SecurityContext securityContext) {
		return ReactiveSecurityContextHolder.withSecurityContext(Mono.just(securityContext));
	}

	private void checkAll() {
		for (WebSocketSession session : this.sessions.values()) {
			if (session.getAttributes().get(TOKEN) instanceof Jwt jwt) {
				String reason = reasonToEnd(jwt);
				if (reason != null) {
					this.sessions.remove(session.getId());
					logger.info("Closing a WebSocket of " + jwt.getSubject() + ": " + reason);
					session.close(new CloseStatus(4401, reason)).subscribe(null, (ex) -> {
					});
				}
			}
		}
	}

	private String reasonToEnd(Jwt jwt) {
		if (jwt.getExpiresAt() != null && !jwt.getExpiresAt().isAfter(this.clock.instant())) {
			return "Token expired";
		}
		if (this.validator.validate(jwt).hasErrors()) {
			return "Token revoked";
		}
		return null;
	}

	private static MultiValueMap<String, HttpCookie> cookies(HttpHeaders headers) {
		MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
		for (String header : headers.getOrEmpty(HttpHeaders.COOKIE)) {
			for (String pair : header.split(";")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					String name = pair.substring(0, eq).strip();
					cookies.add(name, new HttpCookie(name, pair.substring(eq + 1).strip()));
				}
			}
		}
		return cookies;
	}

}
