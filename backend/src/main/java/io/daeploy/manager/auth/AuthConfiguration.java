package io.daeploy.manager.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.crypto.SecretKey;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.daeploy.manager.config.DaeployProperties;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.webflux.GraphQlWebSocketHandler;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtGrantedAuthoritiesConverterAdapter;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ServerWebExchange;

/**
 * Security wiring: the manager issues HS256 JWTs and validates them as an OAuth2 resource
 * server. The filter chain is stateless (no session, no request cache); coarse rules live
 * here, role checks on the domain methods ({@code @PreAuthorize}).
 */
@Configuration(proxyBeanMethods = false)
@EnableReactiveMethodSecurity
class AuthConfiguration {

	/**
	 * Paths that authenticate themselves or need no token: the token is not even read.
	 */
	private static final String[] OWN_AUTH_PATHS = { "/auth/**", "/", "/index.html", "/assets/**", "/favicon.ico",
			"/graphiql", "/graphiql/**", "/healthz" };

	/**
	 * Spring Boot's health endpoints: public, and read the token when one is sent (an
	 * admin sees the details).
	 */
	private static final String[] HEALTH_PATHS = { "/actuator/health", "/actuator/health/**" };

	/**
	 * The original's REST notification endpoints, authenticated with a bearer token.
	 */
	private static final String[] NOTIFICATION_PATHS = { "/notifications", "/notifications/" };

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	ActiveTokens activeTokens(Clock clock) {
		return new ActiveTokens(clock);
	}

	@Bean
	@DependsOn("flywayInitializer")
	SecretKey jwtSecret(DatabaseClient db) {
		return JwtSecret.loadOrCreate(db);
	}

	@Bean
	JwtEncoder jwtEncoder(SecretKey jwtSecret) {
		return new NimbusJwtEncoder(new ImmutableSecret<>(jwtSecret));
	}

	@Bean
	OAuth2TokenValidator<Jwt> jwtValidator(ActiveTokens activeTokens) {
		return new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(Duration.ZERO), activeTokens);
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(SecretKey jwtSecret, OAuth2TokenValidator<Jwt> jwtValidator,
			ActiveTokens activeTokens) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(jwtSecret)
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		decoder.setJwtValidator(jwtValidator);
		// tokens the original Daeploy issued (DAEPLOY_IMPORT_FROM) have claims of their
		// own
		decoder.setClaimSetConverter(
				new OriginalClaims(MappedJwtClaimSetConverter.withDefaults(java.util.Map.of()), activeTokens));
		return new CachingJwtDecoder(decoder, jwtValidator);
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	ReactiveJwtAuthenticationConverter jwtAuthenticationConverter() {
		JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
		authorities.setAuthoritiesClaimName(TokenService.ROLE_CLAIM);
		authorities.setAuthorityPrefix("ROLE_");
		ReactiveJwtAuthenticationConverter converter = new ReactiveJwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(new ReactiveJwtGrantedAuthoritiesConverterAdapter(authorities));
		return converter;
	}

	@Bean
	ReactiveAuthenticationManager jwtAuthenticationManager(ReactiveJwtDecoder jwtDecoder,
			ReactiveJwtAuthenticationConverter jwtAuthenticationConverter) {
		JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(jwtDecoder);
		manager.setJwtAuthenticationConverter(jwtAuthenticationConverter);
		return manager;
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, DaeployProperties properties,
			ReactiveAuthenticationManager jwtAuthenticationManager, ReactiveJwtDecoder jwtDecoder) {
		ServerWebExchangeMatcher ownAuth = ServerWebExchangeMatchers.pathMatchers(OWN_AUTH_PATHS);
		ServerBearerTokenAuthenticationConverter header = new ServerBearerTokenAuthenticationConverter();
		// a bearer token, else the dashboard's session cookie when the dashboard itself
		// sent
		// the request (BrowserSession): a cross-site request carries no session, which is
		// what stands in for a CSRF token
		// (a cookie that no longer verifies counts as none: the page then signs in again)
		ServerAuthenticationConverter tokens = (exchange) -> header.convert(exchange)
			.switchIfEmpty(Mono
				.fromSupplier(() -> BrowserSession.token(exchange.getRequest().getHeaders(),
						exchange.getRequest().getCookies(), isWebSocket(exchange)))
				.filterWhen((cookie) -> jwtDecoder.decode(cookie).thenReturn(true).onErrorReturn(false))
				.map(BearerTokenAuthenticationToken::new));
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.headers((headers) -> headers.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
				.frameOptions((frames) -> frames.mode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY)))
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.oauth2ResourceServer(
					(server) -> server.authenticationManagerResolver((exchange) -> Mono.just(jwtAuthenticationManager))
						.bearerTokenConverter((exchange) -> ownAuth.matches(exchange)
							.flatMap((match) -> match.isMatch() ? Mono.empty() : tokens.convert(exchange)))
						.authenticationEntryPoint(new RefusedTokenEntryPoint()))
			.authorizeExchange((exchanges) -> {
				exchanges.pathMatchers(OWN_AUTH_PATHS).permitAll();
				// liveness and readiness answer anyone (details only for admins); every
				// other endpoint, e.g. the Prometheus metrics, needs an admin, auth on or
				// off
				exchanges.pathMatchers(HEALTH_PATHS).permitAll();
				exchanges.pathMatchers("/actuator/**").hasRole(Role.ADMIN.name());
				// the SPA's routes are its shell, which holds no data: a deep link loads
				// it
				exchanges.matchers((exchange) -> DashboardPages.isAppRoute(exchange.getRequest())
						? ServerWebExchangeMatcher.MatchResult.match()
						: ServerWebExchangeMatcher.MatchResult.notMatch())
					.permitAll();
				// GraphQL checks each field itself; `login` and `manager` are public
				exchanges.matchers(new PathPatternParserServerWebExchangeMatcher("/graphql")).permitAll();
				if (properties.auth().enabled()) {
					// the original SDK's notify(): services raise, users read and clear
					exchanges.pathMatchers(HttpMethod.POST, NOTIFICATION_PATHS)
						.hasAnyRole(Role.ADMIN.name(), Role.USER.name(), Role.SERVICE.name());
					exchanges.pathMatchers(NOTIFICATION_PATHS).hasAnyRole(Role.ADMIN.name(), Role.USER.name());
					exchanges.anyExchange().authenticated();
				}
				else {
					exchanges.anyExchange().permitAll();
				}
			});
		if (!properties.auth().enabled()) {
			// auth off: callers without a token act as users (user administration still
			// needs an admin token)
			http.anonymous((anonymous) -> anonymous.authorities(List.of(
					new org.springframework.security.core.authority.SimpleGrantedAuthority(Role.USER.authority()),
					new org.springframework.security.core.authority.SimpleGrantedAuthority("ROLE_ANONYMOUS"))));
		}
		return http.build();
	}

	private static boolean isWebSocket(ServerWebExchange exchange) {
		return "websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade());
	}

	/**
	 * Subscriptions authenticate in the {@code connection_init} payload or with the
	 * dashboard's session; revoked tokens end their connections.
	 */
	@Bean
	@Order(0)
	SessionWebSocketInterceptor webSocketAuthentication(ReactiveAuthenticationManager jwtAuthenticationManager,
			OAuth2TokenValidator<Jwt> jwtValidator, Clock clock, DaeployProperties properties) {
		return new SessionWebSocketInterceptor(jwtAuthenticationManager, jwtValidator, clock,
				properties.auth().enabled());
	}

	/**
	 * Spring Boot's GraphQL WebSocket handler, which also tells the interceptor about
	 * each open connection, so that it can close the ones whose token ends.
	 */
	@Bean
	GraphQlWebSocketHandler graphQlWebSocketHandler(WebGraphQlHandler webGraphQlHandler,
			GraphQlProperties graphQlProperties, ServerCodecConfigurer codecs, SessionWebSocketInterceptor sessions) {
		return new TrackingWebSocketHandler(webGraphQlHandler, codecs,
				graphQlProperties.getWebsocket().getConnectionInitTimeout(),
				graphQlProperties.getWebsocket().getKeepAlive(), sessions);
	}

	/**
	 * Registers every connection with the interceptor for as long as it is open.
	 */
	static final class TrackingWebSocketHandler extends GraphQlWebSocketHandler {

		private final SessionWebSocketInterceptor sessions;

		TrackingWebSocketHandler(WebGraphQlHandler handler, ServerCodecConfigurer codecs, Duration initTimeout,
				Duration keepAlive, SessionWebSocketInterceptor sessions) {
			super(handler, codecs, initTimeout, keepAlive);
			this.sessions = sessions;
		}

		@Override
		public Mono<Void> handle(WebSocketSession session) {
			Runnable forget = this.sessions.opened(session);
			return super.handle(session).doFinally((signal) -> forget.run());
		}

	}

}
