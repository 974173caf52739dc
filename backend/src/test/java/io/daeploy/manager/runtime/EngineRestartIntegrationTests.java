package io.daeploy.manager.runtime;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.PrivateDockerEngine;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker engine goes away and comes back, under a running manager. It is an engine of
 * the test's own ({@link PrivateDockerEngine}: its own socket, data and exec roots, no
 * iptables), never the shared one. While it is away the manager says so at once and keeps
 * serving what needs no engine; when it answers again the states are true within seconds,
 * a change made while it was away included, and a followed log goes on.
 */
class EngineRestartIntegrationTests {

	private PrivateDockerEngine engine;

	private ConfigurableApplicationContext manager;

	@AfterEach
	void close() {
		if (this.manager != null) {
			this.manager.close();
		}
		if (this.engine != null) {
			this.engine.close();
		}
	}

	@Test
	void theManagerRidesOutAnEngineRestart() throws Exception {
		TestImages.ensure();
		this.engine = PrivateDockerEngine.launch();
		this.engine.loadFrom(TestImages.BUSYBOX);
		Path marks = Files.createTempDirectory("daeploy-engine-restart-");
		this.manager = TestManagers.start("--daeploy.data-dir=" + Files.createTempDirectory("daeploy-engine-data-"),
				"--daeploy.instance=test-" + UUID.randomUUID().toString().substring(0, 8),
				"--daeploy.docker.host=" + this.engine.host(), "--daeploy.auth.enabled=false",
				"--daeploy.allowed-host-paths=" + marks.getParent());
		HttpGraphQlTester graphQl = TestManagers.graphQl(this.manager, null);
		deploy(graphQl, "ticker", List.of("sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"),
				List.of());
		// exits while the engine is away, and leaves a mark the test can see
		deploy(graphQl, "brief", List.of("sh", "-c", "sleep 3; echo > /marks/exited; exit 3"),
				List.of(Map.of("source", marks.toString(), "target", "/marks")));

		try (GraphQlWebSocket socket = GraphQlWebSocket
			.connect(URI.create("ws://127.0.0.1:" + TestManagers.port(this.manager) + "/graphql"), null)) {
			socket.subscribe("1",
					"subscription { serviceLogs(name: \"ticker\", version: \"1.0.0\", tail: 1) { line } }");
			int before = tick(socket.await((m) -> m.contains("tick "), Duration.ofSeconds(30)));

			this.engine.stop();
			// at once: unavailable, states unknown, and the rest still served
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !available(graphQl));
			assertThat(states(graphQl)).containsOnly("UNKNOWN").hasSize(2);
			assertThat(graphQl.document("{ manager { version } }").execute().path("manager.version").hasValue());
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> Files.exists(marks.resolve("exited")));

			this.engine.start();
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> available(graphQl)
						&& Map.of("ticker", "RUNNING", "brief", "EXITED").equals(statesByName(graphQl)));

			// the followed log goes on, without gaps or repeats
			int previous = before;
			for (int i = 0; i < 50; i++) {
				String message = socket.await((m) -> m.contains("tick ") || m.contains("\"complete\""),
						Duration.ofSeconds(30));
				assertThat(message).doesNotContain("\"complete\"").doesNotContain("errors");
				int next = tick(message);
				assertThat(next).as("the tick after %d", previous).isEqualTo(previous + 1);
				previous = next;
			}
			socket.complete("1");
		}
	}

	private static void deploy(HttpGraphQlTester graphQl, String name, List<String> command,
			List<Map<String, String>> volumes) {
		graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "command", command,
							"restartPolicy", "NO", "volumes", volumes, "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.execute()
			.path("deployService.service.state")
			.entity(String.class)
			.isEqualTo("RUNNING");
	}

	private static boolean available(HttpGraphQlTester graphQl) {
		return graphQl.document("{ runtime { available } }")
			.execute()
			.path("runtime.available")
			.entity(Boolean.class)
			.get();
	}

	private static List<String> states(HttpGraphQlTester graphQl) {
		return graphQl.document("{ services { state } }")
			.execute()
			.path("services[*].state")
			.entityList(String.class)
			.get();
	}

	private static Map<String, String> statesByName(HttpGraphQlTester graphQl) {
		Map<String, String> states = new java.util.TreeMap<>();
		for (Map<?, ?> service : graphQl.document("{ services { name state } }")
			.execute()
			.path("services")
			.entityList(Map.class)
			.get()) {
			states.put((String) service.get("name"), (String) service.get("state"));
		}
		return states;
	}

	private static int tick(String message) {
		Matcher matcher = Pattern.compile("tick (\\d+)").matcher(message);
		assertThat(matcher.find()).as(message).isTrue();
		return Integer.parseInt(matcher.group(1));
	}

}
