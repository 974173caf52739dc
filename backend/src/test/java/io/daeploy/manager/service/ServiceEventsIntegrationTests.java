package io.daeploy.manager.service;

import java.net.URI;
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
 * The {@code serviceEvents} subscription over a real WebSocket: a dashboard that lists
 * once and then follows it sees every deploy, main switch, state change and kill, each
 * with the version's new view, without polling.
 */
class ServiceEventsIntegrationTests extends ManagerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Test
	void everyChangeOfAServiceArrivesWithItsNewView() {
		String name = unique("evented");
		String other = unique("other");
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(URI.create("ws://127.0.0.1:" + this.port + "/graphql"),
				login("admin", ADMIN_PASSWORD))) {
			socket.subscribe("1", "subscription { serviceEvents(name: \"" + name + "\") "
					+ "{ kind name version service { version main state } } }");
			deploy(other, "1.0.0");
			deploy(name, "1.0.0");
			assertThat(socket.await((m) -> m.contains("DEPLOYED"), WAIT)).contains("\"version\":\"1.0.0\"")
				.contains("\"main\":true")
				.contains("\"state\":\"RUNNING\"")
				.doesNotContain(other);
			deploy(name, "2.0.0");
			assertThat(socket.await((m) -> m.contains("DEPLOYED"), WAIT)).contains("\"version\":\"2.0.0\"")
				.contains("\"main\":false");

			this.graphQl
				.document("mutation($n: String!) { assignMainVersion(input: {name: $n, version: \"2.0.0\"}) "
						+ "{ main { version } } }")
				.variable("n", name)
				.executeAndVerify();
			String first = socket.await((m) -> m.contains("MAIN_CHANGED"), WAIT);
			String second = socket.await((m) -> m.contains("MAIN_CHANGED"), WAIT);
			assertThat(List.of(first, second))
				.anySatisfy((m) -> assertThat(m).contains("\"version\":\"2.0.0\"").contains("\"main\":true"))
				.anySatisfy((m) -> assertThat(m).contains("\"version\":\"1.0.0\"").contains("\"main\":false"));

			// a change behind the manager's back is seen too
			this.docker.stopContainerCmd(containerName(name, "1.0.0")).withTimeout(0).exec();
			assertThat(socket.await((m) -> m.contains("STATE_CHANGED"), WAIT)).contains("\"version\":\"1.0.0\"")
				.contains("\"state\":\"EXITED\"");

			this.graphQl
				.document("mutation($n: String!) { killService(input: {name: $n, version: \"1.0.0\"}) { name } }")
				.variable("n", name)
				.executeAndVerify();
			assertThat(socket.await((m) -> m.contains("KILLED"), WAIT)).contains("\"version\":\"1.0.0\"")
				.contains("\"service\":null");
			socket.complete("1");
		}
	}

	private void deploy(String name, String version) {
		this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", version, "image", TestImages.BUSYBOX, "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
	}

}
