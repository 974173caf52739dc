package io.daeploy.manager.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.proxy.ProxyConnector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service routes through the embedded proxy, with real containers: busybox httpd with CGI
 * scripts that answer with their version, the path and prefix they saw, and count their
 * hits, so a shadow's mirrored copies show in its own counter.
 */
class ProxyIntegrationTests extends ManagerIntegrationTests {

	/** Answers with the version, method, path and forwarded prefix; counts the hit. */
	private static final String ECHO = """
			#!/bin/sh
			printf 'Content-Type: text/plain\\r\\n\\r\\n'
			echo "$VERSION $REQUEST_METHOD $REQUEST_URI prefix=$HTTP_X_FORWARDED_PREFIX user=$HTTP_X_DAEPLOY_USER"
			echo hit >> /tmp/hits
			""";

	/** Answers with the number of hits so far. */
	private static final String HITS = """
			#!/bin/sh
			printf 'Content-Type: text/plain\\r\\n\\r\\n'
			n=0
			[ -f /tmp/hits ] && while read line; do n=$((n+1)); done < /tmp/hits
			echo "$n"
			""";

	/** Streams two lines two seconds apart. */
	private static final String SLOW = """
			#!/bin/sh
			printf 'Content-Type: text/plain\\r\\n\\r\\n'
			echo first
			sleep 2
			echo second
			""";

	/** Answers with the credentials it received, and keeps them for {@link #SEEN}. */
	private static final String CREDS = """
			#!/bin/sh
			printf 'Content-Type: text/plain\\r\\n\\r\\n'
			echo "cookie=$HTTP_COOKIE authorization=$HTTP_AUTHORIZATION user=$HTTP_X_DAEPLOY_USER" | tee -a /tmp/creds
			""";

	/** Answers with every credential line {@link #CREDS} kept. */
	private static final String SEEN = """
			#!/bin/sh
			printf 'Content-Type: text/plain\\r\\n\\r\\n'
			[ -f /tmp/creds ] && cat /tmp/creds
			""";

	private static final String SETUP = "for s in echo hits slow creds seen; do eval \"printf '%s' \\\"\\$CGI_$s\\\"\" "
			+ "> /www/cgi-bin/$s; busybox chmod +x /www/cgi-bin/$s; done; exec httpd -f -p 8000 -h /www";

	private final HttpClient http = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private String token;

	@BeforeEach
	void token() {
		this.token = login("admin", ADMIN_PASSWORD);
	}

	@Autowired
	ProxyConnector proxy;

	@Test
	void mainAnswersAndEveryShadowGetsAMirroredCopy() {
		String name = unique("mirror");
		deploy(name, "1.0.0");
		deploy(name, "2.0.0");
		deploy(name, "3.0.0");

		HttpResponse<String> response = get("/services/" + name + "/cgi-bin/echo?q=1");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body().strip())
			.isEqualTo("1.0.0 GET /cgi-bin/echo?q=1 prefix=/services/" + name + " user=admin");
		HttpResponse<String> posted = send(HttpRequest.newBuilder(proxy("/services/" + name + "/cgi-bin/echo"))
			.header("Authorization", "Bearer " + this.token)
			.POST(HttpRequest.BodyPublishers.ofString("a body")));
		assertThat(posted.body()).startsWith("1.0.0 POST /cgi-bin/echo");

		// the client saw only main; each shadow received both requests
		assertThat(hits(name, "1.0.0")).isEqualTo(2);
		await("shadows to receive the mirrored copies", () -> hits(name, "2.0.0") == 2 && hits(name, "3.0.0") == 2);
		Map<String, Object> shadow = traffic(name, "2.0.0");
		assertThat(shadow).containsEntry("mirrored", 2).containsEntry("serverErrors", 0);
		assertThat((Integer) shadow.get("requests")).isGreaterThanOrEqualTo(2);
		Map<String, Object> main = traffic(name, "1.0.0");
		assertThat(main).containsEntry("mirrored", 0);
		assertThat((Integer) main.get("requests")).isGreaterThanOrEqualTo(3);
		assertThat(main.get("p50Ms")).isNotNull();
		assertThat(main.get("lastRequestAt")).isNotNull();
	}

	@Test
	void versionedRoutesStripTheirPrefixOnSegmentBoundaries() {
		String name = unique("routes");
		deploy(name, "1.0.0");
		deploy(name, "1.1.0-rc.1");

		assertThat(get("/services/" + name + "_1.1.0-rc.1/cgi-bin/echo").body())
			.startsWith("1.1.0-rc.1 GET /cgi-bin/echo prefix=/services/" + name + "_1.1.0-rc.1 ");
		assertThat(get("/services/" + name + "_1.0.0/cgi-bin/echo").body()).startsWith("1.0.0 GET /cgi-bin/echo ");
		// the bare prefix serves the root, as Traefik's stripPrefix does
		assertThat(get("/services/" + name).body()).contains("daeploy test service");
		assertThat(get("/services/" + name + "?x=1").statusCode()).isEqualTo(200);
		// a longer name that starts with this one is another (unknown) service
		assertThat(get("/services/" + name + "x/").statusCode()).isEqualTo(404);
		assertThat(get("/services/" + name + "_9.9.9/").statusCode()).isEqualTo(404);
		assertThat(get("/services/nothing_here/").statusCode()).isEqualTo(404);
		assertThat(get("/services/%2e%2e/graphql").statusCode()).isEqualTo(404);
	}

	@Test
	void switchingMainChangesWhoAnswersAndKilledVersionsAreUnrouted() {
		String name = unique("switch");
		deploy(name, "1.0.0");
		deploy(name, "2.0.0");
		assertThat(get("/services/" + name + "/cgi-bin/echo").body()).startsWith("1.0.0 ");

		this.graphQl
			.document("mutation($n: String!) { assignMainVersion(input: {name: $n, version: \"2.0.0\"}) "
					+ "{ main { version } } }")
			.variable("n", name)
			.executeAndVerify();
		assertThat(get("/services/" + name + "/cgi-bin/echo").body()).startsWith("2.0.0 ");

		kill(name, "1.0.0");
		assertThat(get("/services/" + name + "_1.0.0/").statusCode()).isEqualTo(404);
		assertThat(get("/services/" + name + "/cgi-bin/echo").body()).startsWith("2.0.0 ");
		kill(name, "2.0.0");
		assertThat(get("/services/" + name + "/").statusCode()).isEqualTo(404);
	}

	@Test
	void serviceRoutesPassForwardAuth() {
		String name = unique("auth");
		deploy(name, "1.0.0");
		String path = "/services/" + name + "/cgi-bin/echo";

		HttpResponse<String> browser = send(HttpRequest.newBuilder(proxy(path)).header("Accept", "text/html").GET());
		assertThat(browser.statusCode()).isEqualTo(303);
		// sent to the sign-in page on the dashboard's origin, with the way back
		assertThat(browser.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + this.proxy.dashboardPort()
				+ "/auth/login?destination=http://127.0.0.1:" + proxyPort() + path);
		HttpResponse<String> forged = send(
				HttpRequest.newBuilder(proxy(path)).header("Authorization", "Bearer forged").GET());
		assertThat(forged.statusCode()).isEqualTo(401);
		assertThat(forged.body()).contains("Token not valid");
		HttpResponse<String> cookie = send(HttpRequest.newBuilder(proxy(path))
			.header("Cookie", "daeploy=" + this.token)
			.header("X-Daeploy-User", "someone-else")
			.GET());
		assertThat(cookie.statusCode()).isEqualTo(200);
		assertThat(cookie.body()).contains("user=admin");
		// the forged requests never reached the service
		assertThat(hits(name, "1.0.0")).isEqualTo(1);
	}

	@Test
	void servicesAndShadowsNeverSeeTheCallersManagerCredentials() {
		String name = unique("creds");
		deploy(name, "1.0.0");
		deploy(name, "2.0.0");
		String path = "/services/" + name + "/cgi-bin/creds";

		HttpResponse<String> bearer = get(path);
		assertThat(bearer.statusCode()).isEqualTo(200);
		assertThat(bearer.body().strip()).isEqualTo("cookie= authorization= user=admin");
		HttpResponse<String> cookie = send(HttpRequest.newBuilder(proxy(path))
			.header("Cookie", "theme=dark; daeploy=" + this.token + "; lang=sv")
			.GET());
		assertThat(cookie.body().strip()).isEqualTo("cookie=theme=dark; lang=sv authorization= user=admin");
		// a bearer token of the service's own passes beside the session cookie (busybox
		// keeps
		// Basic credentials to itself, so this is the case a CGI script can show)
		HttpResponse<String> own = send(HttpRequest.newBuilder(proxy(path))
			.header("Cookie", "daeploy=" + this.token)
			.header("Authorization", "Bearer the-service-own-token")
			.GET());
		assertThat(own.body().strip()).isEqualTo("cookie= authorization=Bearer the-service-own-token user=admin");

		await("the shadow to receive the mirrored copies",
				() -> get("/services/" + name + "_2.0.0/cgi-bin/seen").body().lines().count() == 3);
		for (String version : List.of("1.0.0", "2.0.0")) {
			String seen = get("/services/" + name + "_" + version + "/cgi-bin/seen").body();
			assertThat(seen).doesNotContain(this.token).doesNotContain("daeploy=");
			assertThat(seen.lines()).allSatisfy((line) -> assertThat(line).endsWith("user=admin"));
		}
	}

	@Test
	void everythingElseReachesTheManager() {
		HttpResponse<String> graphql = send(HttpRequest.newBuilder(proxy("/graphql"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ manager { proxy { kind httpPort } } }\"}")));
		assertThat(graphql.statusCode()).isEqualTo(200);
		assertThat(graphql.body()).contains("\"kind\":\"EMBEDDED\"").contains("\"httpPort\":" + proxyPort());
		// the dashboard's pages live on the dashboard's origin: the services' port sends
		// browsers there
		String dashboard = "http://127.0.0.1:" + this.proxy.dashboardPort();
		assertThat(get("/auth/login").headers().firstValue("Location"))
			.hasValue(dashboard + "/auth/login?destination=/");
		assertThat(get("/").headers().firstValue("Location")).hasValue(dashboard + "/");
		assertThat(send(HttpRequest.newBuilder(URI.create(dashboard + "/auth/login")).GET()).body())
			.contains("Sign in");
		assertThat(send(HttpRequest.newBuilder(URI.create(dashboard + "/")).GET()).body())
			.contains("<div id=\"root\">");
		// and no service is ever served there
		assertThat(send(HttpRequest.newBuilder(URI.create(dashboard + "/services/anything/")).GET()).statusCode())
			.isNotEqualTo(200);
	}

	@Test
	void responsesStreamThrough() throws Exception {
		String name = unique("stream");
		deploy(name, "1.0.0");
		HttpResponse<InputStream> response = this.http.send(authorized(proxy("/services/" + name + "/cgi-bin/slow")),
				HttpResponse.BodyHandlers.ofInputStream());
		try (InputStream body = response.body()) {
			long start = System.nanoTime();
			byte[] first = new byte[6];
			assertThat(body.readNBytes(first, 0, 6)).isEqualTo(6);
			long firstMillis = (System.nanoTime() - start) / 1_000_000;
			assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("first\n");
			assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second\n");
			long allMillis = (System.nanoTime() - start) / 1_000_000;
			// the first line arrived while the service was still sleeping before the
			// second
			assertThat(allMillis - firstMillis).isGreaterThan(1000);
		}
	}

	private void deploy(String name, String version) {
		Map<String, Object> input = Map.of("name", name, "version", version, "image", TestImages.BUSYBOX, "labels",
				List.of(Map.of("key", "test.daeploy", "value", "true")), "command", List.of("sh", "-c", SETUP), "env",
				List.of(Map.of("name", "VERSION", "value", version), Map.of("name", "CGI_echo", "value", ECHO),
						Map.of("name", "CGI_hits", "value", HITS), Map.of("name", "CGI_slow", "value", SLOW),
						Map.of("name", "CGI_creds", "value", CREDS), Map.of("name", "CGI_seen", "value", SEEN)),
				// RUNNING (and routed) once httpd answers: polled through the proxy
				// before
				// that, a busy machine counted a 502 in the version's traffic figures
				"healthCheck", Map.of("path", "/cgi-bin/seen", "timeoutSeconds", 60));
		this.graphQl.documentName("deployService").variable("input", input).executeAndVerify();
		await(name + " " + version + " to answer through the proxy",
				() -> get("/services/" + name + "_" + version + "/cgi-bin/hits").statusCode() == 200);
	}

	private void kill(String name, String version) {
		this.graphQl
			.document("mutation($n: String!, $v: String!) { killService(input: {name: $n, version: $v}) { name } }")
			.variable("n", name)
			.variable("v", version)
			.executeAndVerify();
	}

	private int hits(String name, String version) {
		HttpResponse<String> response = get("/services/" + name + "_" + version + "/cgi-bin/hits");
		assertThat(response.statusCode()).isEqualTo(200);
		return Integer.parseInt(response.body().strip());
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> traffic(String name, String version) {
		return this.graphQl
			.document("query($n: String!, $v: String!) { service(name: $n, version: $v) { traffic { requests "
					+ "mirrored serverErrors p50Ms p99Ms lastRequestAt since } } }")
			.variable("n", name)
			.variable("v", version)
			.execute()
			.path("service.traffic")
			.entity(Map.class)
			.get();
	}

	private URI proxy(String path) {
		return URI.create("http://127.0.0.1:" + proxyPort() + path);
	}

	private HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(proxy(path)).header("Authorization", "Bearer " + this.token).GET());
	}

	private HttpRequest authorized(URI uri) {
		return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + this.token).GET().build();
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			HttpRequest built = request.timeout(Duration.ofSeconds(10)).build();
			return this.http.send(built, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
