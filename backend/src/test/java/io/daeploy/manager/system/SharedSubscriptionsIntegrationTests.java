package io.daeploy.manager.system;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.ManagerIntegrationTests;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subscribers that ask the same live subscription share one execution: each event is
 * executed once, whatever the number of subscribers, yet every one of them gets every
 * event, and a different caller, document or variable gets an execution of its own.
 */
class SharedSubscriptionsIntegrationTests extends ManagerIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String NOTIFICATIONS = "subscription { notifications { id message counter } }";

	@LocalServerPort
	int port;

	@Autowired
	SharedSubscriptions shared;

	@Autowired
	MeterRegistry meters;

	@Test
	void twentySubscribersOfOneSubscriptionShareOneExecutionAndEachGetsEveryEvent() throws Exception {
		String admin = login("admin", ADMIN_PASSWORD);
		int before = this.shared.streams();
		List<GraphQlWebSocket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 20; i++) {
				GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), admin);
				sockets.add(socket);
				socket.subscribe("n", NOTIFICATIONS);
			}
			await("20 open subscriptions", () -> openSubscriptions() >= 20);
			assertThat(this.shared.streams()).as("executions behind 20 equal subscriptions").isEqualTo(before + 1);
			assertThat(this.meters.get("daeploy.graphql.subscription.streams").gauge().value()).isEqualTo(before + 1.0);

			String service = "shared_" + UUID.randomUUID().toString().substring(0, 8);
			List<String> raised = List.of("first", "second", "third");
			for (String message : raised) {
				raise(service, message);
			}
			for (GraphQlWebSocket socket : sockets) {
				List<String> seen = new ArrayList<>();
				while (seen.size() < raised.size()) {
					Map<String, Object> notification = next(socket);
					seen.add((String) notification.get("message"));
				}
				assertThat(seen).containsExactlyElementsOf(raised);
			}

			// a different document, different variables or a different caller: their
			// own
			sockets.get(0).subscribe("other", "subscription { notifications { id } }");
			await("a second execution", () -> this.shared.streams() == before + 2);
			sockets.get(1).subscribe("events", "subscription { serviceEvents(name: \"a\") { name } }");
			sockets.get(2).subscribe("events", "subscription { serviceEvents(name: \"b\") { name } }");
			await("one execution per variable", () -> this.shared.streams() == before + 4);
			String user = "viewer_" + UUID.randomUUID().toString().substring(0, 8);
			this.graphQl
				.document("mutation($u: String!) { createUser(input: {username: $u, password: \"viewer-password\"}) "
						+ "{ user { username } } }")
				.variable("u", user)
				.executeAndVerify();
			GraphQlWebSocket viewer = GraphQlWebSocket.connect(webSocket(), login(user, "viewer-password"));
			sockets.add(viewer);
			viewer.subscribe("n", NOTIFICATIONS);
			await("one execution per caller", () -> this.shared.streams() == before + 5);
			raise(service, "fourth");
			assertThat(next(viewer)).containsEntry("message", "fourth");
			assertThat(next(sockets.get(19))).containsEntry("message", "fourth");

			// a subscription that replays history first runs for each subscriber
			sockets.get(3).subscribe("logs", "subscription { managerLogs(tail: 1) { line } }");
			sockets.get(4).subscribe("logs", "subscription { managerLogs(tail: 1) { line } }");
			await("both log subscriptions open", () -> openSubscriptions() >= 26);
			assertThat(this.shared.streams()).isEqualTo(before + 5);

			// leaving: the shared execution lasts while anyone follows it
			for (int i = 1; i < 20; i++) {
				sockets.get(i).close();
			}
			raise(service, "fifth");
			assertThat(next(sockets.get(0))).containsEntry("message", "fourth");
			assertThat(next(sockets.get(0))).containsEntry("message", "fifth");
		}
		finally {
			sockets.forEach(GraphQlWebSocket::close);
		}
		await("every execution ends with its last subscriber", () -> this.shared.streams() == before);
	}

	@Test
	void theFirstSubscriberLeavingEndsNobodyElsesStream() throws Exception {
		// the shared execution is the first subscriber's own: Spring cancels it when that
		// subscriber leaves, which once ended the stream of all who had joined it (seen
		// in
		// CI when the first of 20 sockets to subscribe was one that closed early)
		String admin = login("admin", ADMIN_PASSWORD);
		int before = this.shared.streams();
		double open = openSubscriptions();
		try (GraphQlWebSocket first = GraphQlWebSocket.connect(webSocket(), admin);
				GraphQlWebSocket second = GraphQlWebSocket.connect(webSocket(), admin)) {
			first.subscribe("n", NOTIFICATIONS);
			await("the first subscription", () -> this.shared.streams() == before + 1);
			second.subscribe("n", NOTIFICATIONS);
			await("the second subscription", () -> openSubscriptions() >= open + 2);
			assertThat(this.shared.streams()).isEqualTo(before + 1);

			String service = "owner_" + UUID.randomUUID().toString().substring(0, 8);
			raise(service, "both");
			assertThat(next(first)).containsEntry("message", "both");
			assertThat(next(second)).containsEntry("message", "both");

			first.close();
			await("the first subscriber gone", () -> openSubscriptions() <= open + 1);
			raise(service, "after the first left");
			assertThat(next(second)).containsEntry("message", "after the first left");
			raise(service, "and again");
			assertThat(next(second)).containsEntry("message", "and again");
			assertThat(second.poll(Duration.ofMillis(200))).as("no error after the events").isNull();
			assertThat(this.shared.streams()).isEqualTo(before + 1);
		}
		await("the execution ends with its last subscriber", () -> this.shared.streams() == before);
	}

	private double openSubscriptions() {
		return this.meters.get("daeploy.graphql.subscriptions").gauge().value();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> next(GraphQlWebSocket socket) {
		String message = socket.await((m) -> m.contains("\"type\":\"next\"") && m.contains("\"id\":\"n\""), DEADLINE);
		Map<String, Object> payload = (Map<String, Object>) JSON.readValue(message, Map.class).get("payload");
		return (Map<String, Object>) ((Map<String, Object>) payload.get("data")).get("notifications");
	}

	private void raise(String service, String message) {
		this.graphQl.documentName("raiseNotification")
			.variable("input", Map.of("serviceName", service, "message", message))
			.executeAndVerify();
	}

	private URI webSocket() {
		return URI.create("ws://127.0.0.1:" + this.port + "/graphql");
	}

	private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
		Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(condition);
	}

}
