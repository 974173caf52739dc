package io.daeploy.manager.notification;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.auth.TokenService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications end to end: GraphQL, the original SDK's REST endpoint, the live
 * subscription over a real WebSocket, and the e-mail freeze as deliveries see it.
 */
class NotificationIntegrationTests extends ManagerIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	TokenService tokens;

	@Autowired
	NotificationService notifications;

	@Autowired
	RecordingDelivery deliveries;

	@Test
	void raisingTheSameAgainCountsItAndKeepsItsId() {
		String service = unique("counted");
		Map<String, Object> first = raise(this.graphQl, input(service, "Disk almost full"));
		assertThat(first).containsEntry("serviceName", service)
			.containsEntry("serviceVersion", "")
			.containsEntry("message", "Disk almost full")
			.containsEntry("severity", "INFO")
			.containsEntry("dashboard", true)
			.containsEntry("emails", List.of())
			.containsEntry("timer", 0)
			.containsEntry("counter", 1)
			.containsEntry("frozenUntil", null);
		assertThat(first.get("firstRaisedAt")).isEqualTo(first.get("lastRaisedAt"));

		Map<String, Object> input = input(service, "Disk almost full");
		input.put("emails", List.of("ops@example.com"));
		Map<String, Object> second = raise(this.graphQl, input);
		assertThat(second).as("e-mails are not part of the identity")
			.containsEntry("id", first.get("id"))
			.containsEntry("counter", 2)
			.containsEntry("firstRaisedAt", first.get("firstRaisedAt"))
			.containsEntry("emails", List.of("ops@example.com"));
		assertThat(Instant.parse((String) second.get("lastRaisedAt")))
			.isAfterOrEqualTo(Instant.parse((String) first.get("lastRaisedAt")));

		for (Map.Entry<String, Object> change : List.<Map.Entry<String, Object>>of(Map.entry("message", "Other"),
				Map.entry("severity", "WARNING"), Map.entry("dashboard", false), Map.entry("timer", 5),
				Map.entry("serviceVersion", "1.0.0"))) {
			Map<String, Object> other = input(service, "Disk almost full");
			other.put(change.getKey(), change.getValue());
			assertThat(raise(this.graphQl, other)).as(change.getKey())
				.containsEntry("counter", 1)
				.doesNotContainEntry("id", first.get("id"));
		}
		assertThat(page(Map.of("serviceName", service)).get("notifications"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.hasSize(6);
	}

	@Test
	void aSubscriberStuckInItsDeliveryHoldsNoRaiseUp() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Disposable stuck = this.notifications.raised().doOnNext((notification) -> {
			entered.countDown();
			try {
				release.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		})
			.contextWrite(ReactiveSecurityContextHolder.withAuthentication(UsernamePasswordAuthenticationToken
				.authenticated("admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN")))))
			.subscribe();
		try {
			String service = unique("stuck");
			raise(this.graphQl, input(service, "the subscriber sticks in this one"));
			assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
			// were deliveries made on the raising thread, this raise would wait for the
			// stuck subscriber (and time out)
			assertThat(raise(this.graphQl, input(service, "raised all the same"))).containsEntry("message",
					"raised all the same");
		}
		finally {
			release.countDown();
			stuck.dispose();
		}
	}

	@Test
	void concurrentRaisesOfTheSameAreEachCountedOnce() throws Exception {
		String service = unique("concurrent");
		ExecutorService pool = Executors.newFixedThreadPool(20);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Map<String, Object>>> raises = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				raises.add(pool.submit(() -> {
					start.await();
					return raise(this.graphQl, input(service, "Same message"));
				}));
			}
			start.countDown();
			List<Object> counters = new ArrayList<>();
			for (Future<Map<String, Object>> raise : raises) {
				counters.add(raise.get(60, TimeUnit.SECONDS).get("counter"));
			}
			assertThat(counters).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
		}
		finally {
			pool.shutdownNow();
		}
		List<Map<String, Object>> stored = notificationsOf(service);
		assertThat(stored).singleElement().satisfies((n) -> assertThat(n).containsEntry("counter", 20));
	}

	@Test
	void pagesGoFromTheMostRecentlyRaisedAndFilterBySeverityAndService() {
		String service = unique("paged");
		List<String> ids = new ArrayList<>();
		List<String> severities = List.of("INFO", "WARNING", "CRITICAL", "INFO", "CRITICAL");
		for (int i = 0; i < 5; i++) {
			Map<String, Object> input = input(service, "message " + i);
			input.put("severity", severities.get(i));
			ids.add((String) raise(this.graphQl, input).get("id"));
		}
		Map<String, Object> first = page(Map.of("serviceName", service, "first", 2));
		assertThat(idsOf(first)).containsExactly(ids.get(4), ids.get(3));
		assertThat(first).containsEntry("hasMore", true);
		Map<String, Object> second = page(Map.of("serviceName", service, "first", 2, "before", ids.get(3)));
		assertThat(idsOf(second)).containsExactly(ids.get(2), ids.get(1));
		assertThat(second).containsEntry("hasMore", true);
		Map<String, Object> last = page(Map.of("serviceName", service, "first", 2, "before", ids.get(1)));
		assertThat(idsOf(last)).containsExactly(ids.get(0));
		assertThat(last).containsEntry("hasMore", false);

		// a repeat moves a notification to the front
		raise(this.graphQl, input(service, "message 0"));
		assertThat(idsOf(page(Map.of("serviceName", service, "first", 1)))).containsExactly(ids.get(0));

		assertThat(idsOf(page(Map.of("serviceName", service, "severity", List.of("CRITICAL")))))
			.containsExactly(ids.get(4), ids.get(2));
		assertThat(idsOf(page(Map.of("serviceName", service, "severity", List.of("CRITICAL", "WARNING")))))
			.containsExactly(ids.get(4), ids.get(2), ids.get(1));
		assertThat(idsOf(page(Map.of("serviceName", unique("nobody"))))).isEmpty();

		assertThat(errorOf(this.graphQl.documentName("notifications").variable("first", 0)))
			.containsExactly("INVALID_INPUT", "first");
		assertThat(errorOf(this.graphQl.documentName("notifications").variable("first", 501)))
			.containsExactly("INVALID_INPUT", "first");
		assertThat(errorOf(this.graphQl.documentName("notifications").variable("before", "not-a-number")))
			.containsExactly("NOTIFICATION_NOT_FOUND", "before");
		assertThat(errorOf(this.graphQl.documentName("notifications").variable("before", "987654321")))
			.containsExactly("NOTIFICATION_NOT_FOUND", "before");
	}

	@Test
	void deleteRemovesOneAndClearRemovesAServicesOrAll() {
		String service = unique("deleted");
		String other = unique("kept");
		String id = (String) raise(this.graphQl, input(service, "one")).get("id");
		raise(this.graphQl, input(service, "two"));
		raise(this.graphQl, input(other, "three"));

		this.graphQl.document("mutation($id: ID!) { deleteNotification(input: {id: $id}) { id } }")
			.variable("id", id)
			.execute()
			.path("deleteNotification.id")
			.entity(String.class)
			.isEqualTo(id);
		assertThat(notificationsOf(service)).extracting((n) -> n.get("message")).containsExactly("two");
		for (String missing : List.of(id, "nope", "", "99999999999999999999")) {
			assertThat(
					errorOf(this.graphQl.document("mutation($id: ID!) { deleteNotification(input: {id: $id}) { id } }")
						.variable("id", missing)))
				.as(missing)
				.containsExactly("NOTIFICATION_NOT_FOUND", "input.id");
		}

		this.graphQl.document("mutation($s: String) { clearNotifications(input: {serviceName: $s}) { deleted } }")
			.variable("s", service)
			.execute()
			.path("clearNotifications.deleted")
			.entity(Integer.class)
			.isEqualTo(1);
		assertThat(notificationsOf(service)).isEmpty();
		assertThat(notificationsOf(other)).hasSize(1);

		this.graphQl.document("mutation { clearNotifications { deleted } }")
			.execute()
			.path("clearNotifications.deleted")
			.entity(Integer.class)
			.satisfies((deleted) -> assertThat(deleted).isPositive());
		assertThat(page(Map.of()).get("notifications"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.isEmpty();
	}

	@Test
	void aServiceRaisesAsItselfOnly() {
		String service = unique("self");
		HttpGraphQlTester asService = withToken(this.tokens.issueServiceToken(service, "2.0.0").block().token());
		Map<String, Object> own = raise(asService, Map.of("message", "from the token"));
		assertThat(own).containsEntry("serviceName", service).containsEntry("serviceVersion", "2.0.0");
		assertThat(raise(asService,
				Map.of("message", "from the token", "serviceName", service, "serviceVersion", "2.0.0")))
			.containsEntry("id", own.get("id"))
			.containsEntry("counter", 2);

		String other = unique("other");
		assertThat(errorOf(raiseRequest(asService, Map.of("message", "spoofed", "serviceName", other))))
			.containsExactly("FORBIDDEN", "input.serviceName");
		assertThat(errorOf(raiseRequest(asService, Map.of("message", "spoofed", "serviceVersion", "3.0.0"))))
			.containsExactly("FORBIDDEN", "input.serviceVersion");
		assertThat(notificationsOf(other)).isEmpty();
		assertThat(notificationsOf(service)).singleElement()
			.satisfies((n) -> assertThat(n).containsEntry("counter", 2));

		// services raise, but neither read nor delete
		assertThat(codeOf(asService.documentName("notifications"))).isEqualTo("FORBIDDEN");
		assertThat(codeOf(asService.document("mutation { clearNotifications { deleted } }"))).isEqualTo("FORBIDDEN");
		// users name the service
		assertThat(errorOf(raiseRequest(this.graphQl, Map.of("message", "about whom?"))))
			.containsExactly("INVALID_INPUT", "input.serviceName");
		assertThat(codeOf(raiseRequest(this.anonymous, Map.of("message", "anyone?", "serviceName", service))))
			.isEqualTo("UNAUTHENTICATED");
	}

	@Test
	void badInputIsRefusedWithItsCodeAndStoresNothing() {
		String service = unique("refused");
		Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
		cases.put("input.message", Map.of("message", ""));
		cases.put("input.message ", Map.of("message", "  \n"));
		cases.put("input.message  ", Map.of("message", "x".repeat(10_001)));
		cases.put("input.timer", Map.of("timer", -1));
		cases.put("input.timer ", Map.of("timer", 100_000));
		cases.put("input.emails", Map.of("emails", List.of("not-an-address")));
		cases.put("input.emails ", Map.of("emails", List.of("two@at@example.com")));
		cases.put("input.emails  ", Map.of("emails", List.of("ops@example.com", "with space@example.com")));
		cases.put("input.emails   ", Map.of("emails", List.of("new\nline@example.com")));
		cases.put("input.emails    ", Map.of("emails", List.of("@example.com")));
		cases.put("input.emails     ",
				Map.of("emails", IntStream.range(0, 51).mapToObj((i) -> "r" + i + "@example.com").toList()));
		cases.put("input.serviceName", Map.of("serviceName", ""));
		cases.put("input.serviceName ", Map.of("serviceName", "n".repeat(256)));
		cases.put("input.serviceVersion", Map.of("serviceVersion", "v".repeat(256)));
		cases.forEach((field, change) -> {
			Map<String, Object> input = input(service, "fine");
			input.putAll(change);
			assertThat(errorOf(raiseRequest(this.graphQl, input))).as(field)
				.containsExactly("INVALID_INPUT", field.strip());
		});
		// an unknown severity, as a variable and as a literal
		WebTestClient http = http();
		for (Map<String, Object> body : List.<Map<String, Object>>of(
				Map.of("query",
						"mutation($in: RaiseNotificationInput!) { raiseNotification(input: $in) "
								+ "{ notification { id } } }",
						"variables", Map.of("in", Map.of("message", "m", "serviceName", service, "severity", "FATAL"))),
				Map.of("query", "mutation { raiseNotification(input: {message: \"m\", serviceName: \"" + service
						+ "\", severity: FATAL}) { notification { id } } }"))) {
			Map<?, ?> answer = http.post()
				.uri("/graphql")
				.header("Authorization", "Bearer " + login("admin", ADMIN_PASSWORD))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.exchange()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			assertThat((List<Map<String, Map<String, Object>>>) answer.get("errors")).as(body.toString())
				.isNotEmpty()
				.allSatisfy((error) -> assertThat(error.get("extensions")).containsEntry("code", "INVALID_INPUT"));
		}
		assertThat(notificationsOf(service)).isEmpty();

		// the limits themselves are fine
		Map<String, Object> longest = input(service, "x".repeat(10_000));
		longest.put("timer", 86_400);
		longest.put("emails", IntStream.range(0, 50).mapToObj((i) -> "r" + i + "@example.com").toList());
		assertThat(raise(this.graphQl, longest)).containsEntry("counter", 1);
	}

	@Test
	void servicesBuiltOnTheOriginalSdkRaiseOverRest() {
		String service = unique("sdk");
		this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", service, "version", "1.0.0", "image", TestImages.BUSYBOX, "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
		String token = List
			.of(this.docker.inspectContainerCmd(containerName(service, "1.0.0")).exec().getConfig().getEnv())
			.stream()
			.filter((entry) -> entry.startsWith("daeploy.auth="))
			.map((entry) -> entry.substring("daeploy.auth=".length()))
			.findFirst()
			.orElseThrow();
		// exactly what the SDK's notify() sends
		String body = """
				{"service_name": "%s", "service_version": "1.0.0", "msg": "Model drift detected",
				 "severity": 1, "dashboard": true, "emails": null, "timer": 0,
				 "timestamp": "2024-05-01 12:00:00.123456"}""".formatted(service);
		Map<String, Object> first = post("/notifications/", token, body, 200);
		assertThat(first).containsEntry("service_name", service)
			.containsEntry("service_version", "1.0.0")
			.containsEntry("msg", "Model drift detected")
			.containsEntry("severity", 1)
			.containsEntry("dashboard", true)
			.containsEntry("emails", null)
			.containsEntry("timer", 0)
			.containsEntry("counter", 1)
			.containsKeys("id", "timestamp")
			.doesNotContainKey("frozen_until");
		assertThat(post("/notifications", token, body, 200)).containsEntry("counter", 2)
			.containsEntry("id", first.get("id"));
		assertThat(notificationsOf(service)).singleElement()
			.satisfies((n) -> assertThat(n).containsEntry("severity", "WARNING")
				.containsEntry("serviceVersion", "1.0.0")
				.containsEntry("counter", 2));

		// unknown fields ignored, unknown severities are INFO, negative timers 0, names
		// from the token
		Map<String, Object> lenient = post("/notifications/", token,
				"{\"msg\": \"lenient\", \"severity\": 3, \"timer\": -5, \"dashboard\": true, \"extra\": [1]}", 200);
		assertThat(lenient).containsEntry("service_name", service)
			.containsEntry("severity", 0)
			.containsEntry("timer", 0);
		assertThat(post("/notifications/", token,
				"{\"msg\": \"with a timer\", \"severity\": 2, \"timer\": 60, " + "\"emails\": [\"ops@example.com\"]}",
				200))
			.containsEntry("emails", List.of("ops@example.com"))
			.containsKey("frozen_until");

		// another service's name is refused; users may name any
		post("/notifications/", token, body.replace(service, unique("spoofed")), 403);
		String admin = login("admin", ADMIN_PASSWORD);
		assertThat(post("/notifications/", admin, body.replace(service, service + "_by_admin"), 200))
			.containsEntry("service_name", service + "_by_admin");
		// no token, a forged one
		post("/notifications/", null, body, 401);
		post("/notifications/", "forged", body, 401);

		// reading and clearing are for users
		http().get()
			.uri("/notifications/")
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isForbidden();
		http().delete()
			.uri("/notifications/")
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isForbidden();
		Map<String, Map<String, Object>> all = http().get()
			.uri("/notifications/")
			.header("Authorization", "Bearer " + admin)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(all).containsKey((String) first.get("id"));
		assertThat(all.get(first.get("id"))).containsEntry("msg", "Model drift detected").containsEntry("counter", 2);
		http().delete()
			.uri("/notifications")
			.header("Authorization", "Bearer " + admin)
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(notificationsOf(service)).isEmpty();
	}

	@Test
	void malformedRestBodiesAre422AndStoreNothing() {
		String service = unique("malformed");
		String token = this.tokens.issueServiceToken(service, "1.0.0").block().token();
		for (String body : List.of("{not json", "", "[]", "\"text\"", "{\"severity\": 1, \"dashboard\": true}",
				"{\"msg\": null}", "{\"msg\": {\"nested\": 1}}", "{\"msg\": \"m\", \"timer\": \"soon\"}",
				"{\"msg\": \"m\", \"timer\": 100000}", "{\"msg\": \"m\", \"emails\": \"ops@example.com\"}",
				"{\"msg\": \"m\", \"emails\": [\"bad address\"]}", "{\"msg\": \"\"}",
				"{\"msg\": \"m\", \"dashboard\": \"maybe\"}")) {
			Map<String, Object> answer = post("/notifications/", token, body, 422);
			assertThat(answer).as(body).containsKey("detail");
		}
		assertThat(post("/notifications/", token, "{\"severity\": 1}", 422).get("detail"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.singleElement()
			.satisfies((error) -> assertThat((Map<String, Object>) error).containsEntry("loc", List.of("body", "msg")));
		post("/notifications/", token, "{\"msg\": \"" + "x".repeat(300_000) + "\"}", 413);
		assertThat(notificationsOf(service)).isEmpty();
	}

	@Test
	void subscribersSeeEachRaiseOverAWebSocket() throws Exception {
		String service = unique("live");
		String admin = login("admin", ADMIN_PASSWORD);
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), admin)) {
			socket.subscribe("1", "subscription { notifications { id counter message } }");
			await("the subscription", () -> this.notifications.subscribers() > 0);

			String id = (String) raise(this.graphQl, input(service, "live one")).get("id");
			raise(this.graphQl, input(service, "live one"));
			List<Map<String, Object>> seen = new ArrayList<>();
			while (seen.size() < 2) {
				Map<String, Object> message = JSON.readValue(socket.await((m) -> true, DEADLINE), Map.class);
				if ("next".equals(message.get("type"))) {
					seen.add((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) message.get("payload"))
						.get("data")).get("notifications"));
				}
			}
			assertThat(seen).containsExactly(Map.of("id", id, "counter", 1, "message", "live one"),
					Map.of("id", id, "counter", 2, "message", "live one"));
			socket.complete("1");
			await("the unsubscription", () -> this.notifications.subscribers() == 0);
		}
	}

	@Test
	void servicesCannotSubscribe() throws Exception {
		String token = this.tokens.issueServiceToken(unique("listener"), "1.0.0").block().token();
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(webSocket(), token)) {
			socket.subscribe("1", "subscription { notifications { id } }");
			String answer = socket.await((m) -> true, DEADLINE);
			assertThat(answer).contains("\"type\":\"error\"").contains("FORBIDDEN");
		}
	}

	@Test
	void deliveriesSeeTheEmailDueOncePerFreezeWindow() throws Exception {
		String service = unique("frozen");
		Map<String, Object> input = input(service, "Mail me");
		input.put("emails", List.of("ops@example.com"));
		input.put("timer", 1);
		Map<String, Object> first = raise(this.graphQl, input);
		Instant frozenUntil = Instant.parse((String) first.get("frozenUntil"));
		assertThat(frozenUntil).isEqualTo(Instant.parse((String) first.get("lastRaisedAt")).plusSeconds(1));
		Map<String, Object> second = raise(this.graphQl, input);
		assertThat(second).as("within the window").containsEntry("frozenUntil", first.get("frozenUntil"));
		// the freeze window is time, not state: wait for it to pass
		Awaitility.await("the freeze window to pass")
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> Instant.now().isAfter(frozenUntil.plusMillis(50)));
		Map<String, Object> third = raise(this.graphQl, input);
		assertThat(Instant.parse((String) third.get("frozenUntil"))).isAfter(frozenUntil);
		long id = Long.parseLong((String) first.get("id"));
		await("three deliveries", () -> this.deliveries.of(id).size() == 3);
		assertThat(this.deliveries.of(id)).containsExactly(true, false, true);

		// without recipients nothing is due; with timer 0 every raise is
		String silent = (String) raise(this.graphQl, input(service, "No mail")).get("id");
		Map<String, Object> always = input(service, "Always mail");
		always.put("emails", List.of("ops@example.com"));
		String every = (String) raise(this.graphQl, always).get("id");
		Map<String, Object> again = raise(this.graphQl, always);
		assertThat(again).containsEntry("frozenUntil", null);
		await("the other deliveries", () -> this.deliveries.of(Long.parseLong(silent)).size() == 1
				&& this.deliveries.of(Long.parseLong(every)).size() == 2);
		assertThat(this.deliveries.of(Long.parseLong(silent))).containsExactly(false);
		assertThat(this.deliveries.of(Long.parseLong(every))).containsExactly(true, true);
	}

	@Test
	void theManagerRaisesItsOwnWithoutACaller() {
		String message = "Self-check " + unique("m");
		this.notifications.raiseManager(Notification.Severity.WARNING, message);
		this.notifications.raiseManager(Notification.Severity.WARNING, message);
		await("the manager's notification", () -> notificationsOf(Notification.MANAGER).stream()
			.anyMatch((n) -> message.equals(n.get("message")) && Integer.valueOf(2).equals(n.get("counter"))));
		assertThat(notificationsOf(Notification.MANAGER)).filteredOn((n) -> message.equals(n.get("message")))
			.singleElement()
			.satisfies((n) -> assertThat(n).containsEntry("serviceVersion", "")
				.containsEntry("severity", "WARNING")
				.containsEntry("emails", List.of()));
	}

	private URI webSocket() {
		return URI.create("ws://127.0.0.1:" + this.port + "/graphql");
	}

	private WebTestClient http() {
		return WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
	}

	private Map<String, Object> post(String path, String token, String body, int status) {
		WebTestClient.RequestBodySpec request = http().post().uri(path).contentType(MediaType.APPLICATION_JSON);
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		byte[] answer = request.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.returnResult()
			.getResponseBody();
		return (answer != null && answer.length > 0 && answer[0] == '{') ? JSON.readValue(answer, Map.class) : Map.of();
	}

	private static Map<String, Object> input(String service, String message) {
		Map<String, Object> input = new HashMap<>();
		input.put("serviceName", service);
		input.put("message", message);
		return input;
	}

	private static GraphQlTester.Request<?> raiseRequest(GraphQlTester tester, Map<String, Object> input) {
		return tester.documentName("raiseNotification").variable("input", input);
	}

	private static Map<String, Object> raise(GraphQlTester tester, Map<String, Object> input) {
		return raiseRequest(tester, input).execute().path("raiseNotification.notification").entity(Map.class).get();
	}

	private Map<String, Object> page(Map<String, Object> variables) {
		GraphQlTester.Request<?> request = this.graphQl.documentName("notifications");
		variables.forEach(request::variable);
		return request.execute().path("notifications").entity(Map.class).get();
	}

	private List<Map<String, Object>> notificationsOf(String service) {
		return (List<Map<String, Object>>) page(Map.of("serviceName", service, "first", 500)).get("notifications");
	}

	private static List<Object> idsOf(Map<String, Object> page) {
		return ((List<Map<String, Object>>) page.get("notifications")).stream().map((n) -> n.get("id")).toList();
	}

	/** The first error's code and field. */
	private static List<Object> errorOf(GraphQlTester.Request<?> request) {
		List<ResponseError> errors = new ArrayList<>();
		request.execute().errors().satisfy(errors::addAll);
		assertThat(errors).as("errors").isNotEmpty();
		Map<String, Object> extensions = errors.get(0).getExtensions();
		return java.util.Arrays.asList(extensions.get("code"), extensions.get("field"));
	}

	private static Object codeOf(GraphQlTester.Request<?> request) {
		return errorOf(request).get(0);
	}

	/**
	 * Records what every raise hands to deliveries; a second delivery always fails, which
	 * must never fail a raise.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class Deliveries {

		@Bean
		RecordingDelivery recordingDelivery() {
			return new RecordingDelivery();
		}

		@Bean
		NotificationDelivery failingDelivery() {
			return (notification, email) -> Mono.error(new IllegalStateException("this delivery always fails"));
		}

	}

	static class RecordingDelivery implements NotificationDelivery {

		private final Map<Long, List<Boolean>> calls = new java.util.concurrent.ConcurrentHashMap<>();

		@Override
		public Mono<Void> deliver(Notification notification, boolean email) {
			this.calls.computeIfAbsent(notification.id(), (id) -> new CopyOnWriteArrayList<>()).add(email);
			return Mono.empty();
		}

		List<Boolean> of(long id) {
			return this.calls.getOrDefault(id, Collections.emptyList());
		}

	}

}
