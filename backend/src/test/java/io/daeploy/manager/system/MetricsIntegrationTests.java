package io.daeploy.manager.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health and Prometheus metrics of a real manager: health answers anyone with its status
 * only; metrics answer admins only, and move with deploys, proxied requests and open
 * subscriptions.
 */
class MetricsIntegrationTests extends ManagerIntegrationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	int port;

	@Test
	void healthAnswersAnyoneWithItsStatusOnly() {
		for (String probe : List.of("liveness", "readiness")) {
			HttpResponse<String> answer = get("/actuator/health/" + probe, null);
			assertThat(answer.statusCode()).as(probe).isEqualTo(200);
			assertThat(answer.body()).as(probe).isEqualTo("{\"status\":\"UP\"}");
		}
		// an admin sees what readiness is made of
		String admin = login("admin", ADMIN_PASSWORD);
		String readiness = get("/actuator/health/readiness", admin).body();
		assertThat(readiness).contains("\"store\":{").contains("\"runtime\":{").contains("\"available\":true");
	}

	@Test
	void metricsAreForAdminsOnly() {
		assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
		this.graphQl
			.document("mutation { createUser(input: {username: \"metrics_user\", password: \"user-password\"}) "
					+ "{ user { username } } }")
			.executeAndVerify();
		assertThat(get("/actuator/prometheus", login("metrics_user", "user-password")).statusCode()).isEqualTo(403);
		// nothing else of the actuator is exposed, even to an admin
		String admin = login("admin", ADMIN_PASSWORD);
		assertThat(get("/actuator/env", admin).statusCode()).isEqualTo(404);
		assertThat(get("/actuator/prometheus", admin).statusCode()).isEqualTo(200);
	}

	@Test
	void deploysProxiedRequestsAndSubscriptionsMoveTheMeters() {
		String admin = login("admin", ADMIN_PASSWORD);
		Scrape before = scrape(admin);
		Map<String, String> deployed = Map.of("kind", "deploy", "outcome", "running");
		double deploysBefore = before.value("daeploy_deployments_seconds_count", deployed);
		assertThat(before.value("daeploy_runtime_available", Map.of())).isEqualTo(1.0);
		assertThat(before.has("jvm_memory_used_bytes")).isTrue();

		String name = unique("metered");
		this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
		await(name + " to answer through the proxy",
				() -> proxied("/services/" + name + "_1.0.0/", admin).statusCode() == 200);
		for (int i = 0; i < 5; i++) {
			assertThat(proxied("/services/" + name + "/", admin).statusCode()).isEqualTo(200);
		}
		assertThat(proxied("/services/" + name + "/no-such-page", admin).statusCode()).isEqualTo(404);

		Scrape after = scrape(admin);
		assertThat(after.value("daeploy_deployments_seconds_count", deployed)).isEqualTo(deploysBefore + 1);
		Map<String, String> ok = Map.of("service", name, "version", "1.0.0", "status", "2xx");
		assertThat(after.value("daeploy_proxy_requests_seconds_count", ok)).isGreaterThanOrEqualTo(6);
		assertThat(after.value("daeploy_proxy_requests_seconds_count",
				Map.of("service", name, "version", "1.0.0", "status", "4xx")))
			.isEqualTo(1);
		// a histogram: every request is in the +Inf bucket
		assertThat(after.value("daeploy_proxy_requests_seconds_bucket",
				Map.of("service", name, "version", "1.0.0", "status", "2xx", "le", "+Inf")))
			.isEqualTo(after.value("daeploy_proxy_requests_seconds_count", ok));

		double open = after.value("daeploy_graphql_subscriptions", Map.of());
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(URI.create("ws://127.0.0.1:" + this.port + "/graphql"),
				admin)) {
			socket.subscribe("1", "subscription { serviceEvents { kind } }");
			await("the subscription to count",
					() -> scrape(admin).value("daeploy_graphql_subscriptions", Map.of()) == open + 1);
			socket.complete("1");
			await("the ended subscription to count no more",
					() -> scrape(admin).value("daeploy_graphql_subscriptions", Map.of()) == open);
		}
	}

	@Test
	void aRequestIsTimedOnceAsItArrivesAndOnceAsAnOperation() {
		String admin = login("admin", ADMIN_PASSWORD);
		for (int i = 0; i < 3; i++) {
			this.graphQl.document("{ manager { version } }").executeAndVerify();
		}
		Scrape scrape = scrape(admin);
		assertThat(scrape.value("http_server_requests_seconds_count", Map.of("uri", "/graphql")))
			.isGreaterThanOrEqualTo(3);
		assertThat(scrape.value("graphql_request_seconds_count", Map.of())).isGreaterThanOrEqualTo(3);
		// no timers per security filter, authentication, authorization or data fetcher
		assertThat(scrape.text().lines().filter((line) -> !line.startsWith("#")))
			.noneMatch((line) -> line.startsWith("spring_security_"))
			.noneMatch((line) -> line.startsWith("graphql_datafetcher_"));
	}

	private Scrape scrape(String token) {
		HttpResponse<String> answer = get("/actuator/prometheus", token);
		assertThat(answer.statusCode()).isEqualTo(200);
		return new Scrape(answer.body());
	}

	private HttpResponse<String> get(String path, String token) {
		return send(URI.create("http://127.0.0.1:" + this.port + path), token);
	}

	private HttpResponse<String> proxied(String path, String token) {
		return send(URI.create("http://127.0.0.1:" + proxyPort() + path), token);
	}

	private HttpResponse<String> send(URI uri, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
