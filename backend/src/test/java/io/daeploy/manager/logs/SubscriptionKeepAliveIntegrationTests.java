package io.daeploy.manager.logs;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.TestManagers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idle subscriptions stay open: the server sends keep-alive pings. The normal suite
 * checks the pings with a one-second keep-alive; a ten-minute idle run happens only with
 * {@code -Ddaeploy.test.idle=true}.
 */
class SubscriptionKeepAliveIntegrationTests {

	private ConfigurableApplicationContext manager;

	@AfterEach
	void close() {
		if (this.manager != null) {
			this.manager.close();
		}
	}

	@Test
	void anIdleSubscriptionGetsKeepAlivePings() throws Exception {
		try (GraphQlWebSocket socket = subscribeIdle("1s")) {
			for (int i = 0; i < 3; i++) {
				socket.await((m) -> m.contains("\"type\":\"ping\""), Duration.ofSeconds(5));
				socket.send("{\"type\":\"pong\"}");
			}
			assertThat(socket.closeStatus(Duration.ofMillis(100))).isNull();
		}
	}

	@Test
	@EnabledIfSystemProperty(named = "daeploy.test.idle", matches = "true")
	void anIdleSubscriptionStaysOpenForTenMinutes() throws Exception {
		try (GraphQlWebSocket socket = subscribeIdle("15s")) {
			long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
			while (System.nanoTime() < end) {
				String message = socket.poll(Duration.ofSeconds(30));
				if (message != null && message.contains("\"type\":\"ping\"")) {
					socket.send("{\"type\":\"pong\"}");
				}
				assertThat(socket.closeStatus(Duration.ofMillis(10))).isNull();
			}
			// still delivering: a failed login writes a manager log line
			TestManagers.graphQl(this.manager, null)
				.document("mutation { login(input: {username: \"admin\", password: \"wrong\"}) { token } }")
				.execute();
			socket.await((m) -> m.contains("Failed login"), Duration.ofSeconds(10));
		}
	}

	private GraphQlWebSocket subscribeIdle(String keepAlive) throws Exception {
		this.manager = TestManagers.start("--daeploy.data-dir=" + Files.createTempDirectory("daeploy-keepalive-"),
				"--daeploy.admin-password=keep-alive-pw", "--spring.graphql.websocket.keep-alive=" + keepAlive);
		HttpGraphQlTester anonymous = TestManagers.graphQl(this.manager, null);
		String token = anonymous
			.document("mutation { login(input: {username: \"admin\", password: \"keep-alive-pw\"}) { token } }")
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
		GraphQlWebSocket socket = GraphQlWebSocket
			.connect(URI.create("ws://127.0.0.1:" + TestManagers.port(this.manager) + "/graphql"), token);
		// only lines from now on, at WARN: nothing comes unless something goes wrong
		socket.subscribe("idle", "subscription { managerLogs(tail: 0) { line } }");
		return socket;
	}

}
