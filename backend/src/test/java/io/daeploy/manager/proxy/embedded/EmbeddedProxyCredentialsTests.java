package io.daeploy.manager.proxy.embedded;

import java.time.Duration;
import java.util.List;

import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Limits;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a service and its shadows learn about the caller through the embedded proxy: who
 * it is ({@code X-Daeploy-User}, set by the proxy only), never its manager credentials
 * (the session cookie, the manager's bearer token), while the service's own cookies and
 * {@code Authorization} schemes pass; and that no path reaches another service or the
 * manager.
 */
class EmbeddedProxyCredentialsTests {

	private final ProxyFixture fixture = new ProxyFixture();

	@AfterEach
	void stop() throws Exception {
		this.fixture.close();
	}

	@Test
	void theSessionCookieNeverReachesTheServiceOrItsShadows() throws Exception {
		RawHttp.Backend main = this.fixture.echo();
		RawHttp.Backend shadow = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS, ProxyFixture.sessionAuth(), null).route(main, shadow);
		try (RawHttp.Client client = this.fixture.client()) {
			RawHttp.Response response = client
				.send("GET /services/svc/page HTTP/1.1\r\nHost: proxy\r\n" + "Cookie: theme=dark; daeploy="
						+ ProxyFixture.SESSION + "; lang=sv\r\n\r\n")
				.read();
			assertThat(response.status()).isEqualTo(200);
			// only the manager's cookie: a browser's only cookie goes with its header
			client.send("GET /services/svc/only HTTP/1.1\r\nHost: proxy\r\nCookie: daeploy=" + ProxyFixture.SESSION
					+ "\r\n\r\n");
			assertThat(client.read().status()).isEqualTo(200);
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shadow.received.size() == 2);
		// mirrored copies travel on connections of their own: the shadow may see them in
		// either order, so each is found by its path
		for (RawHttp.Backend version : List.of(main, shadow)) {
			assertThat(version.received).hasSize(2);
			RawHttp.Received page = requestFor(version, "/page");
			assertThat(page.header("cookie")).containsExactly("theme=dark; lang=sv");
			assertThat(page.header("x-daeploy-user")).containsExactly("ann");
			assertThat(requestFor(version, "/only").header("cookie")).isEmpty();
			assertThat(version.received).allSatisfy((seen) -> assertThat(seen.head()).doesNotContain("daeploy="));
		}
	}

	private static RawHttp.Received requestFor(RawHttp.Backend version, String path) {
		return version.received.stream()
			.filter((seen) -> seen.line().contains(path + " "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No request for " + path + " in " + version.received));
	}

	@Test
	void theManagersBearerTokenNeverReachesTheServiceOrItsShadows() throws Exception {
		RawHttp.Backend main = this.fixture.echo();
		RawHttp.Backend shadow = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS, ProxyFixture.sessionAuth(), null).route(main, shadow);
		try (RawHttp.Client client = this.fixture.client()) {
			assertThat(client
				.send("POST /services/svc/predict HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer "
						+ ProxyFixture.MANAGER_TOKEN + "\r\nContent-Length: 2\r\n\r\n{}")
				.read()
				.status()).isEqualTo(200);
			// the manager's token beside a valid cookie is removed as well
			assertThat(client
				.send("GET /services/svc/again HTTP/1.1\r\nHost: proxy\r\nCookie: daeploy=" + ProxyFixture.SESSION
						+ "\r\nAuthorization: bearer " + ProxyFixture.MANAGER_TOKEN + "\r\n\r\n")
				.read()
				.status()).isEqualTo(200);
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shadow.received.size() == 2);
		for (RawHttp.Backend version : List.of(main, shadow)) {
			assertThat(version.received).allSatisfy((seen) -> {
				assertThat(seen.header("authorization")).isEmpty();
				assertThat(seen.head()).doesNotContain(ProxyFixture.MANAGER_TOKEN);
				assertThat(seen.header("x-daeploy-user")).containsExactly("ann");
			});
		}
	}

	@Test
	void aServicesOwnAuthorizationPasses() throws Exception {
		RawHttp.Backend main = this.fixture.echo();
		RawHttp.Backend shadow = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS, ProxyFixture.sessionAuth(), null).route(main, shadow);
		try (RawHttp.Client client = this.fixture.client()) {
			for (String authorization : List.of("Basic dXNlcjpwYXNzd29yZA==", "Bearer token-of-the-service")) {
				assertThat(client
					.send("GET /services/svc/own HTTP/1.1\r\nHost: proxy\r\nCookie: daeploy=" + ProxyFixture.SESSION
							+ "\r\nAuthorization: " + authorization + "\r\n\r\n")
					.read()
					.status()).isEqualTo(200);
			}
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shadow.received.size() == 2);
		// mirrored copies travel on connections of their own: the shadow may see them in
		// either order
		for (RawHttp.Backend version : List.of(main, shadow)) {
			assertThat(version.received.stream().flatMap((request) -> request.header("authorization").stream()))
				.containsExactlyInAnyOrder("Basic dXNlcjpwYXNzd29yZA==", "Bearer token-of-the-service");
		}
	}

	@Test
	void forwardAuthStillDecidesBeforeTheServiceIsAsked() throws Exception {
		RawHttp.Backend main = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS, ProxyFixture.sessionAuth(), null).route(main, this.fixture.echo());
		try (RawHttp.Client client = this.fixture.client()) {
			RawHttp.Response browser = client.send("GET /services/svc/x HTTP/1.1\r\nHost: proxy\r\n\r\n").read();
			assertThat(browser.status()).isEqualTo(303);
			RawHttp.Response forged = client
				.send("GET /services/svc/x HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer forged\r\n\r\n")
				.read();
			assertThat(forged.status()).isEqualTo(401);
			RawHttp.Response oldCookie = client
				.send("GET /services/svc/x HTTP/1.1\r\nHost: proxy\r\nCookie: daeploy=expired\r\n\r\n")
				.read();
			assertThat(oldCookie.status()).isEqualTo(303);
		}
		assertThat(main.received).isEmpty();
	}

	@Test
	void callerAndForwardedHeadersCannotBeSpoofed() throws Exception {
		RawHttp.Backend main = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS, ProxyFixture.sessionAuth(), null).route(main);
		try (RawHttp.Client client = this.fixture.client()) {
			assertThat(client
				.send("GET /services/svc/x HTTP/1.1\r\nHost: proxy\r\nCookie: daeploy=" + ProxyFixture.SESSION
						+ "\r\nX-Daeploy-User: admin\r\nx-daeploy-user: root\r\nX-Forwarded-For: 6.6.6.6\r\n"
						+ "X-Real-IP: 6.6.6.6\r\nX-Forwarded-Prefix: /evil\r\nX-Forwarded-Host: evil\r\n\r\n")
				.read()
				.status()).isEqualTo(200);
		}
		RawHttp.Received seen = main.received.get(0);
		assertThat(seen.header("x-daeploy-user")).containsExactly("ann");
		assertThat(seen.header("x-forwarded-for")).containsExactly("127.0.0.1");
		assertThat(seen.header("x-real-ip")).containsExactly("127.0.0.1");
		assertThat(seen.header("x-forwarded-prefix")).containsExactly("/services/svc");
		assertThat(seen.header("x-forwarded-host")).containsExactly("proxy");
	}

	@Test
	void noPathLeavesItsServiceOrReachesTheManagerThroughAServiceRoute() throws Exception {
		RawHttp.Backend main = this.fixture.echo();
		RawHttp.Backend manager = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS, ProxyFixture.allowAll(), manager).route(main);
		for (String path : List.of("/services/../graphql", "/services/%2e%2e/graphql", "/services/..%2fgraphql",
				"/services/svc%2f..%2fother/x", "/services/svc%2F/x", "/services/svcx/", "/services//svc/x")) {
			try (RawHttp.Client client = this.fixture.client()) {
				assertThat(client.send("GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n").read().status()).as(path)
					.isEqualTo(404);
			}
		}
		// what follows the service's segment is the service's own business
		for (String path : List.of("/services/svc/../../graphql", "/services/svc/..%2f..%2fgraphql")) {
			try (RawHttp.Client client = this.fixture.client()) {
				assertThat(client.send("GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n").read().body()).as(path)
					.startsWith("GET /..");
			}
		}
		assertThat(manager.received).isEmpty();
	}

}
