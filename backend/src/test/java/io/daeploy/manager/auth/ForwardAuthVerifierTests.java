package io.daeploy.manager.auth;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ForwardAuth.Decision;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.proxy.RouteTable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward-auth decision says whether the bearer token is the manager's, and
 * {@code /auth/verify} hands Traefik the caller's {@code Authorization} and
 * {@code Cookie} without the manager's credentials.
 */
class ForwardAuthVerifierTests {

	/** Tokens named {@code ann-...} or {@code bob-...} are valid; nothing else is. */
	private static final ReactiveJwtDecoder DECODER = (token) -> (token.startsWith("ann-") || token.startsWith("bob-"))
			? Mono.just(Jwt.withTokenValue(token).header("alg", "HS256").subject(token.substring(0, 3)).build())
			: Mono.error(new BadJwtException("not ours"));

	private final ForwardAuthVerifier verifier = new ForwardAuthVerifier(DECODER, properties(true));

	@Test
	void aValidBearerIsTheManagers() {
		assertThat(this.verifier.check(null, "ann-token", url("/services/x/"), DASHBOARD).block())
			.isEqualTo(new Decision(200, null, "ann", true));
	}

	@Test
	void theCookieDecidesAndABearerBesideItIsOnlyAskedWhetherItIsOurs() {
		assertThat(this.verifier.check("ann-session", null, url("/"), DASHBOARD).block())
			.isEqualTo(new Decision(200, null, "ann"));
		assertThat(this.verifier.check("ann-session", "bob-token", url("/"), DASHBOARD).block())
			.isEqualTo(new Decision(200, null, "ann", true));
		assertThat(this.verifier.check("ann-session", "service-own-token", url("/"), DASHBOARD).block())
			.isEqualTo(new Decision(200, null, "ann", false));
		assertThat(this.verifier.check("expired", "bob-token", url("/"), DASHBOARD).block())
			.isEqualTo(new Decision(200, null, "bob", true));
	}

	@Test
	void refusalsAreAsBefore() {
		assertThat(this.verifier.check(null, "forged", url("/"), DASHBOARD).block().status()).isEqualTo(401);
		assertThat(this.verifier.check("expired", "forged", url("/"), DASHBOARD).block().status()).isEqualTo(401);
		Decision browser = this.verifier.check("expired", null, url("/services/x/"), DASHBOARD).block();
		assertThat(browser.status()).isEqualTo(303);
		assertThat(browser.location())
			.isEqualTo("http://localhost:5081/auth/login?destination=http://localhost:5080/services/x/");
		assertThat(new ForwardAuthVerifier(DECODER, properties(false)).check(null, "forged", url("/"), DASHBOARD)
			.block()
			.allowed()).isTrue();
	}

	@Test
	void verifyHandsTraefikTheCredentialsTheServiceMaySee() {
		AuthEndpoints endpoints = new AuthEndpoints(null, null, DECODER, properties(true), this.verifier,
				new StaticListableBeanFactory(Map.of("proxy", new PortsOnly())).getBeanProvider(ProxyConnector.class));

		ServerResponse managerBearer = endpoints.verify(request("Bearer ann-token", "theme=dark; daeploy=junk"))
			.block();
		assertThat(managerBearer.statusCode().value()).isEqualTo(200);
		assertThat(managerBearer.headers().get(HttpHeaders.AUTHORIZATION)).isNull();
		assertThat(managerBearer.headers().getFirst(HttpHeaders.COOKIE)).isEqualTo("theme=dark");
		assertThat(managerBearer.headers().getFirst("X-Daeploy-User")).isEqualTo("ann");

		ServerResponse basic = endpoints.verify(request("Basic c2VydmljZTpwdw==", "daeploy=ann-session")).block();
		assertThat(basic.statusCode().value()).isEqualTo(200);
		assertThat(basic.headers().getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo("Basic c2VydmljZTpwdw==");
		assertThat(basic.headers().get(HttpHeaders.COOKIE)).isNull();

		ServerResponse refused = endpoints.verify(request("Bearer forged", "a=1")).block();
		assertThat(refused.statusCode().value()).isEqualTo(401);
		assertThat(refused.headers().get(HttpHeaders.COOKIE)).isNull();
	}

	private static final String DASHBOARD = "http://localhost:5081";

	/** A proxy that only knows its ports, as {@code /auth/verify} asks it. */
	private static final class PortsOnly implements ProxyConnector {

		@Override
		public void start(InetSocketAddress manager) {
		}

		@Override
		public void stop() {
		}

		@Override
		public void route(RouteTable table) {
		}

		@Override
		public int httpPort() {
			return 5080;
		}

		@Override
		public int dashboardPort() {
			return 5081;
		}

		@Override
		public String kind() {
			return "ports";
		}

	}

	private static String url(String path) {
		return "http://localhost:5080" + path;
	}

	private static MockServerRequest request(String authorization, String cookies) {
		MockServerRequest.Builder request = MockServerRequest.builder()
			.method(HttpMethod.GET)
			.uri(URI.create("http://127.0.0.1:8080/auth/verify"))
			.header(HttpHeaders.AUTHORIZATION, authorization)
			.header(HttpHeaders.COOKIE, cookies)
			.header("X-Forwarded-Uri", "/services/x/");
		for (String pair : cookies.split(";")) {
			String[] parts = pair.strip().split("=", 2);
			request.cookie(new HttpCookie(parts[0], parts[1]));
		}
		return request.build();
	}

	private static DaeployProperties properties(boolean auth) {
		return new DaeployProperties(Path.of("target/forward-auth-tests"), "localhost", null, false, null, "test",
				new DaeployProperties.Auth(auth, 5, Duration.ofSeconds(2)),
				new DaeployProperties.Proxy(5080, 5443, 5081, false, "embedded", "127.0.0.1", null,
						Duration.ofSeconds(10)),
				new DaeployProperties.Docker(null, "daeploy-network", 256), null, DaeployProperties.Notification.NONE,
				DaeployProperties.Config.NONE, List.of(), 10000, List.of(),
				new DaeployProperties.Backup(Duration.ZERO, 7), DaeployProperties.S2i.DEFAULT, 1024, 256,
				Duration.ofMinutes(30), 2, 3, DaeployProperties.Acme.DEFAULT);
	}

}
