package io.daeploy.manager.logs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.HeapUsage;
import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.test.tester.GraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service and manager logs, as pages and as subscriptions over a real WebSocket, from
 * real containers that print known lines.
 */
class LogsIntegrationTests extends ManagerIntegrationTests {

	private static final String FIVE_AND_FIVE = "i=0; while [ $i -lt 5 ]; do echo \"line $i\"; echo \"err $i\" >&2; "
			+ "i=$((i+1)); done; exec sleep 1000";

	private static final String TICKING = "i=0; while true; do echo \"tick $i\"; i=$((i+1)); sleep 0.1; done";

	@LocalServerPort
	int port;

	@Test
	void aPageHoldsTheLastLinesOfBothStreamsWithTimestamps() {
		String name = unique("page");
		deploy(name, FIVE_AND_FIVE);
		await("ten lines", () -> page(name, 100).size() == 10);

		List<Map<String, Object>> lines = page(name, 100);
		assertThat(lines).extracting((l) -> l.get("line"))
			.contains("line 0", "line 4", "err 0", "err 4")
			.doesNotContain("", (Object) null);
		assertThat(lines).filteredOn((l) -> "err 3".equals(l.get("line")))
			.singleElement()
			.satisfies((l) -> assertThat(l).containsEntry("stream", "STDERR").containsEntry("level", null));
		assertThat(lines).filteredOn((l) -> "line 3".equals(l.get("line")))
			.singleElement()
			.satisfies((l) -> assertThat(l).containsEntry("stream", "STDOUT"));
		assertThat(lines).allSatisfy((l) -> assertThat((String) l.get("timestamp")).matches("\\d{4}-.*Z"));
		assertThat(page(name, 2)).extracting((l) -> l.get("line")).hasSize(2).containsAnyOf("line 4", "err 4");
	}

	@Test
	void badRequestsForLogsAreClearErrors() {
		String name = unique("badlogs");
		assertCode(
				this.graphQl.document("{ serviceLogs(name: \"" + name + "\", version: \"1.0.0\") { line } }").execute(),
				"SERVICE_NOT_FOUND");
		deploy(name, FIVE_AND_FIVE);
		for (int tail : List.of(0, -1, 10_001)) {
			assertCode(this.graphQl
				.document("{ serviceLogs(name: \"" + name + "\", version: \"1.0.0\", tail: " + tail + ") { line } }")
				.execute(), "INVALID_INPUT");
		}
		assertCode(this.graphQl.document("{ managerLogs(tail: 0) { line } }").execute(), "INVALID_INPUT");
		this.docker.removeContainerCmd(containerName(name, "1.0.0")).withForce(true).exec();
		await("the container to be gone", () -> testContainers().stream()
			.noneMatch((c) -> List.of(c.getNames()).contains("/daeploy-" + name + "-1.0.0")));
		assertCode(
				this.graphQl.document("{ serviceLogs(name: \"" + name + "\", version: \"1.0.0\") { line } }").execute(),
				"CONTAINER_NOT_FOUND");
	}

	@Test
	void aSubscriptionFollowsNewLinesAndAnExitedContainerCompletesIt() {
		String ticking = unique("tick");
		String brief = unique("brief");
		deploy(ticking, TICKING);
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), login("admin", ADMIN_PASSWORD))) {
			socket.subscribe("1", "subscription { serviceLogs(name: \"" + ticking
					+ "\", version: \"1.0.0\", tail: 0) { line stream timestamp } }");
			// lines come in batches; together they are every tick, in order
			List<Integer> ticks = new ArrayList<>();
			while (ticks.size() < 6) {
				ticks.addAll(ticks(
						socket.await((m) -> m.contains("\"next\"") && m.contains("tick "), Duration.ofSeconds(10))));
			}
			for (int i = 1; i < ticks.size(); i++) {
				assertThat(ticks.get(i)).isEqualTo(ticks.get(i - 1) + 1);
			}
			socket.complete("1");

			this.graphQl.documentName("deployService")
				.variable("input",
						Map.of("name", brief, "version", "1.0.0", "image", TestImages.BUSYBOX, "restartPolicy", "NO",
								"command", List.of("sh", "-c", "sleep 1; echo one; echo two; sleep 1; echo three"),
								"labels", List.of(Map.of("key", "test.daeploy", "value", "true"))))
				.executeAndVerify();
			socket.subscribe("2",
					"subscription { serviceLogs(name: \"" + brief + "\", version: \"1.0.0\", tail: 100) { line } }");
			socket.await((m) -> m.contains("\"id\":\"2\"") && m.contains("\"one\""), Duration.ofSeconds(15));
			socket.await((m) -> m.contains("\"id\":\"2\"") && m.contains("\"three\""), Duration.ofSeconds(15));
			socket.await((m) -> m.contains("\"id\":\"2\"") && m.contains("\"complete\""), Duration.ofSeconds(15));
		}
	}

	@Test
	void aFastWriterLosesNoLine() {
		String name = unique("fast");
		deploy(name, "i=0; while [ $i -lt 5000 ]; do echo \"n $i\"; i=$((i+1)); done; echo done; exec sleep 1000");
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), login("admin", ADMIN_PASSWORD))) {
			socket.subscribe("f", "subscription { serviceLogs(name: \"" + name + "\", version: \"1.0.0\", tail: 10000) "
					+ "{ line } }");
			List<String> lines = new ArrayList<>();
			while (!lines.contains("done")) {
				String message = socket.await((m) -> m.contains("\"next\""), Duration.ofSeconds(20));
				Matcher line = Pattern.compile("\"line\":\"([^\"]*)\"").matcher(message);
				while (line.find()) {
					lines.add(line.group(1));
				}
			}
			int expected = 0;
			for (String line : lines.subList(0, lines.size() - 1)) {
				assertThat(line).isEqualTo("n " + expected);
				expected++;
			}
			assertThat(expected).isEqualTo(5000);
		}
	}

	@Test
	void theBatchedStreamCarriesEveryLineOnceInOrderInFewMessages() {
		String name = unique("batched");
		deploy(name, "i=0; while [ $i -lt 5000 ]; do echo \"n $i\"; i=$((i+1)); done; echo done; "
				+ "sleep 2; echo late; exec sleep 1000");
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), login("admin", ADMIN_PASSWORD))) {
			socket.subscribe("b", "subscription { serviceLogBatches(name: \"" + name
					+ "\", version: \"1.0.0\", tail: 10000) { line stream } }");
			List<String> lines = new ArrayList<>();
			int messages = 0;
			while (!lines.contains("late")) {
				String message = socket.await((m) -> m.contains("\"next\""), Duration.ofSeconds(20));
				messages++;
				Matcher line = Pattern.compile("\"line\":\"([^\"]*)\"").matcher(message);
				int before = lines.size();
				while (line.find()) {
					lines.add(line.group(1));
				}
				assertThat(lines.size() - before).as("lines in one message").isBetween(1, 256);
			}
			assertThat(lines).hasSize(5002).endsWith("done", "late");
			for (int i = 0; i < 5000; i++) {
				assertThat(lines.get(i)).isEqualTo("n " + i);
			}
			// 5000 lines one to a message would be 5000 messages
			assertThat(messages).isLessThan(500);
		}
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), login("admin", ADMIN_PASSWORD))) {
			// the manager's own log, batched the same way, starts with its ring's last
			// lines: the first at once, the others together right after
			socket.subscribe("m", "subscription { managerLogBatches(tail: 20) { line level } }");
			long lines = 0;
			int messages = 0;
			while (lines < 20) {
				String message = socket.await((m) -> m.contains("\"next\""), Duration.ofSeconds(10));
				lines += Pattern.compile("\"line\":").matcher(message).results().count();
				messages++;
			}
			assertThat(messages).as("messages for the 20 lines of the ring").isLessThanOrEqualTo(3);
		}
	}

	/**
	 * graphql-java 25.0 kept a data loader call stack per subscription event until the
	 * subscription ended (graphql-java#4314): a log followed one line per message held
	 * about 1 KB per line, and a -Xmx96m manager died of it in seconds under a burst. The
	 * heap open subscriptions hold must not grow with the events they have carried. The
	 * lines are history (written before anyone subscribes), so no subscription can miss
	 * them however slow the machine.
	 */
	@Test
	void openSubscriptionsHoldNoMemoryPerEvent() {
		String name = unique("leak");
		int lines = 10_000;
		deploy(name, "i=0; while [ $i -lt " + lines + " ]; do echo \"n $i\"; i=$((i+1)); done; exec sleep 1000");
		String last = "n " + (lines - 1);
		await("the lines written", () -> page(name, 1).stream().anyMatch((line) -> last.equals(line.get("line"))));
		String token = login("admin", ADMIN_PASSWORD);
		List<GraphQlWebSocket> sockets = new ArrayList<>();
		try {
			long before = HeapUsage.usedAfterGc();
			for (int i = 0; i < 4; i++) {
				GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), token);
				sockets.add(socket);
				socket.subscribe("s", "subscription { serviceLogs(name: \"" + name + "\", version: \"1.0.0\", tail: "
						+ lines + ") { line } }");
			}
			for (GraphQlWebSocket socket : sockets) {
				socket.await((m) -> m.contains("\"" + last + "\""), Duration.ofSeconds(120));
			}
			// four subscriptions, still open, have carried 40 000 events
			long after = HeapUsage.usedAfterGc();
			assertThat(after - before).as("heap retained by 4 open subscriptions after %s events each", lines)
				.isLessThan(12L * 1024 * 1024);
		}
		finally {
			sockets.forEach(GraphQlWebSocket::close);
		}
	}

	@Test
	void twoHundredCancelledStreamsLeaveNothingOpen() throws IOException {
		String name = unique("many");
		deploy(name, TICKING);
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), login("admin", ADMIN_PASSWORD))) {
			// warm up, then count this process's open descriptors (sockets to Docker
			// included)
			cycle(socket, "warm", 5, name);
			long before = openDescriptors();
			cycle(socket, "s", 200, name);
			await("the cancelled streams to close", () -> openDescriptors() <= before + 10);
		}
		// the engine connection pool still serves pages, lists and new streams
		assertThat(page(name, 3)).hasSize(3);
		this.graphQl.document("{ services { name state } }").executeAndVerify();
	}

	@Test
	void managerLogsCanBePagedAndFollowed() {
		assertThat(this.graphQl.document("{ managerLogs(tail: 500) { line level stream } }")
			.execute()
			.path("managerLogs[*].line")
			.entityList(String.class)
			.get()).anySatisfy((line) -> assertThat(line).contains("Started"));
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), login("admin", ADMIN_PASSWORD))) {
			socket.subscribe("m", "subscription { managerLogs(tail: 0) { line level } }");
			String name = unique("logged");
			deploy(name, FIVE_AND_FIVE);
			socket.await((m) -> m.contains("Deployed " + name), Duration.ofSeconds(15));
		}
	}

	private void cycle(GraphQlWebSocket socket, String prefix, int count, String name) {
		for (int i = 0; i < count; i++) {
			String id = prefix + i;
			socket.subscribe(id,
					"subscription { serviceLogs(name: \"" + name + "\", version: \"1.0.0\", tail: 1) " + "{ line } }");
			socket.await((m) -> m.contains("\"id\":\"" + id + "\"") && m.contains("\"next\""), Duration.ofSeconds(10));
			socket.complete(id);
		}
	}

	private static long openDescriptors() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.count();
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	private static List<Integer> ticks(String message) {
		List<Integer> ticks = new ArrayList<>();
		Matcher tick = Pattern.compile("tick (\\d+)").matcher(message);
		while (tick.find()) {
			ticks.add(Integer.parseInt(tick.group(1)));
		}
		return ticks;
	}

	private URI webSocket() {
		return URI.create("ws://127.0.0.1:" + this.port + "/graphql");
	}

	private void deploy(String name, String script) {
		this.graphQl.documentName("deployService")
			.variable("input", Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "command",
					List.of("sh", "-c", script), "labels", List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> page(String name, int tail) {
		return (List<Map<String, Object>>) (List<?>) this.graphQl
			.document("query($n: String!, $t: Int) { serviceLogs(name: $n, version: \"1.0.0\", tail: $t) "
					+ "{ timestamp stream line level } }")
			.variable("n", name)
			.variable("t", tail)
			.execute()
			.path("serviceLogs")
			.entityList(Map.class)
			.get();
	}

	private static void assertCode(GraphQlTester.Response response, String code) {
		response.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((e) -> assertThat(e.getExtensions()).containsEntry("code", code)));
	}

}
