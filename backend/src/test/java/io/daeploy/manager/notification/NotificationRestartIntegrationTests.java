package io.daeploy.manager.notification;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.TestManagers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications outlive the manager (the original lost them on restart), and with auth
 * off the REST endpoints and the subscription are open like the rest.
 */
class NotificationRestartIntegrationTests {

	/** A freshly started JVM answers its first requests slowly. */
	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final List<ConfigurableApplicationContext> managers = new ArrayList<>();

	@AfterEach
	void stop() {
		this.managers.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void notificationsAndTheirCountersSurviveARestart() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-notify-restart-");
		ConfigurableApplicationContext manager = start(dataDir);
		HttpGraphQlTester admin = graphQl(manager, login(manager));
		String id = raise(admin, "Kept across restarts").get("id").toString();
		raise(admin, "Kept across restarts");
		manager.close();

		ConfigurableApplicationContext restarted = start(dataDir);
		HttpGraphQlTester again = graphQl(restarted, login(restarted));
		assertThat(again.document("{ notifications(serviceName: \"kept\") { notifications { id counter message } } }")
			.execute()
			.path("notifications.notifications")
			.entityList(Map.class)
			.get()).containsExactly(Map.of("id", id, "counter", 2, "message", "Kept across restarts"));
		assertThat(raise(again, "Kept across restarts")).containsEntry("id", id).containsEntry("counter", 3);
	}

	@Test
	void withAuthOffTheRestEndpointsAndTheSubscriptionAreOpen() throws Exception {
		ConfigurableApplicationContext manager = start(Files.createTempDirectory("daeploy-notify-authoff-"),
				"--daeploy.auth.enabled=false");
		WebTestClient http = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + TestManagers.port(manager))
			.responseTimeout(TIMEOUT)
			.build();
		try (GraphQlWebSocket socket = GraphQlWebSocket
			.connect(URI.create("ws://127.0.0.1:" + TestManagers.port(manager) + "/graphql"), null)) {
			socket.subscribe("1", "subscription { notifications { message } }");
			NotificationService notifications = manager.getBean(NotificationService.class);
			Awaitility.await("the subscription").atMost(TIMEOUT).until(() -> notifications.subscribers() > 0);

			http.post()
				.uri("/notifications/")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"service_name\": \"open\", \"service_version\": \"1.0.0\", \"msg\": \"no token\", "
						+ "\"severity\": 2, \"dashboard\": true, \"emails\": null, \"timer\": 0, \"timestamp\": \"x\"}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.counter")
				.isEqualTo(1);
			String next = socket.await((m) -> m.contains("\"next\""), TIMEOUT);
			assertThat(next).contains("no token");
		}
		http.get()
			.uri("/notifications")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.*.msg")
			.isEqualTo("no token");
		graphQl(manager, null).document("{ notifications { notifications { serviceName severity } } }")
			.execute()
			.path("notifications.notifications")
			.entityList(Map.class)
			.containsExactly(Map.of("serviceName", "open", "severity", "CRITICAL"));
		http.delete().uri("/notifications/").exchange().expectStatus().isOk();
	}

	private static Map<String, Object> raise(HttpGraphQlTester tester, String message) {
		return tester
			.document("mutation($m: String!) { raiseNotification(input: {message: $m, serviceName: \"kept\"}) "
					+ "{ notification { id counter } } }")
			.variable("m", message)
			.execute()
			.path("raiseNotification.notification")
			.entity(Map.class)
			.get();
	}

	private ConfigurableApplicationContext start(Path dataDir, String... extra) {
		List<String> args = new ArrayList<>(List.of("--daeploy.data-dir=" + dataDir,
				"--daeploy.instance=test-" + UUID.randomUUID().toString().substring(0, 8),
				"--daeploy.admin-password=notify-admin-pw"));
		args.addAll(List.of(extra));
		ConfigurableApplicationContext manager = TestManagers.start(args.toArray(String[]::new));
		this.managers.add(manager);
		return manager;
	}

	private static HttpGraphQlTester graphQl(ConfigurableApplicationContext manager, String token) {
		return TestManagers.graphQl(manager, token)
			.mutate()
			.webTestClient((client) -> client.responseTimeout(TIMEOUT))
			.build();
	}

	private static String login(ConfigurableApplicationContext manager) {
		return graphQl(manager, null)
			.document("mutation { login(input: {username: \"admin\", password: \"notify-admin-pw\"}) { token } }")
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
	}

}
