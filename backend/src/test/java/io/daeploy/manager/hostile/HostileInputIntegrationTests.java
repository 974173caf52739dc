package io.daeploy.manager.hostile;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.HeapUsage;
import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.auth.TokenService;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.hostile.RawHttp.Answer;
import io.daeploy.manager.proxy.ProxyConnector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input suite: a seeded generator sends at least {@value #TARGET} hostile
 * requests to a whole manager, on {@value #LANES} threads: GraphQL for every Query and
 * Mutation field of the schema (found by introspection; some subscriptions over
 * WebSocket) as admin, plain user, service, anonymous and with broken tokens, on the
 * manager's port and through the proxy; the REST endpoints ({@code /auth/*},
 * {@code /notifications/}); and malformed HTTP on raw sockets to the proxy. It proves
 * that
 * <ul>
 * <li>nothing answers 5xx, except on a service route through the proxy: 502 or 504 when
 * the version does not answer (in time), or the service's own 5xx passed through (busybox
 * answers 501 to a method or HTTP version it does not know);</li>
 * <li>every GraphQL error carries a known {@code extensions.code}, never
 * {@code INTERNAL}, and every JSON error answer of the REST endpoints a {@code code}.
 * Answers that come before any endpoint carry none and are accepted: HTTP's own refusals
 * of a method, {@code Accept}, {@code Content-Type} or a line or header too long (405,
 * 406, 414, 415, 431), Spring's answer for a route that does not exist (404 or 405 with
 * its default body), and anything answered to a {@code HEAD};</li>
 * <li>a request that failed changes nothing stored (services, users, tokens of every
 * user, notifications, settings): only a request the audit log records as {@code OK} may
 * change the store;</li>
 * <li>the proxy answers malformed HTTP with a 4xx or closes the connection, never leaves
 * it hanging, and serves a normal request afterwards;</li>
 * <li>the manager answers at the end, and its heap after a GC is within
 * {@value #HEAP_BOUND_MIB} MiB of where it was after the warm-up.</li>
 * </ul>
 * The run stops at {@value #TARGET} requests or after {@code daeploy.hostile.seconds}
 * (180) seconds, whichever comes first, and fails when fewer were sent. The seed is
 * printed; {@code -Ddaeploy.hostile.seed=...} replays each lane's requests in the same
 * order (the lanes' interleaving is left to the scheduler), and each failure names its
 * lane, its step, the request and the one before it.
 */
@DirtiesContext
class HostileInputIntegrationTests extends ManagerIntegrationTests {

	static final int TARGET = 10_000;

	static final int HEAP_BOUND_MIB = 64;

	private static final int WARM_UP = 300;

	/** Threads sending at once: one of mutations, the others of reads. */
	private static final int LANES = 8;

	private static final long SEED = Long.getLong("daeploy.hostile.seed", new SecureRandom().nextLong());

	/**
	 * The most the suite may take. It ends as soon as it has sent its requests (about 2
	 * minutes on a quiet 2-core machine); the budget is for a machine other jobs keep
	 * busy, where 3 minutes were seen to send only two thirds of them.
	 */
	private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("daeploy.hostile.seconds", 480));

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Duration PROXY_TIMEOUT = Duration.ofSeconds(10);

	private static final Set<String> CODES = Arrays.stream(ErrorCode.values())
		.map(Enum::name)
		.collect(Collectors.toSet());

	private static final String USER = "hostile_user";

	private static final String VICTIM = "hostile_victim";

	private static final JsonMapper JSON = JsonMapper.shared();

	@LocalServerPort
	int port;

	@Autowired
	ProxyConnector proxy;

	@Autowired
	TokenService tokenService;

	@Autowired
	Environment environment;

	private final List<String> violations = new ArrayList<>();

	private final Map<String, Integer> tally = new ConcurrentHashMap<>();

	private final Map<String, Integer> violationCounts = new ConcurrentHashMap<>();

	private final AtomicLong sent = new AtomicLong();

	private final Map<String, Long> millis = new ConcurrentHashMap<>();

	private String image;

	private String volume;

	private String adminAuth;

	private String userAuth;

	private String serviceAuth;

	private StoreSnapshot store;

	private volatile StoreSnapshot.State baseline;

	@DynamicPropertySource
	static void ownManager(DynamicPropertyRegistry registry) {
		// a manager of its own (not shared with other test classes), throttling sign-ins
		// so that the lockout is part of what is tried
		registry.add("daeploy.auth.login-max-failures", () -> "40");
		registry.add("daeploy.auth.login-lockout", () -> "1s");
	}

	@Test
	void hostileRequestsAreAnsweredWithCodesAndChangeNothingWhenTheyFail() throws Exception {
		System.out.println("Hostile-input suite: seed " + SEED + " (replay with -Ddaeploy.hostile.seed=" + SEED
				+ "), at most " + BUDGET.toSeconds() + " s");
		HostileValues setUpValues = new HostileValues(SEED);
		Map<String, Map<String, Object>> types = setUp();
		HostileGraphQl.Known known = new HostileGraphQl.Known(List.of("hostile_a", "hostile_b", "hostile_c"),
				List.of("1.0.0", "1.1.0", "2.0.0", "1.0.0-rc.1"), this.image,
				List.of("admin", USER, VICTIM, "nobody", "hostile_new"), List.of("admin", USER),
				List.of(HostileRest.USER_PASSWORD, ADMIN_PASSWORD, "short", "new-password-1", "x".repeat(73),
						"\u00e9".repeat(40)),
				knownIds(), this.volume, Files.createTempDirectory("hostile-mount-").toString());
		List<Lane> lanes = new ArrayList<>();
		for (int i = 0; i < LANES; i++) {
			lanes.add(new Lane(i, new HostileValues(setUpValues.nextLong()), types, known));
		}
		long start = System.nanoTime();
		long heapBefore;
		try (StoreSnapshot store = openStore()) {
			this.store = store;
			this.baseline = store.take();
			run(lanes, WARM_UP, start);
			heapBefore = HeapUsage.usedAfterGc();
			run(lanes, TARGET, start);
		}
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		lanes.forEach(Lane::close);
		long heapAfter = HeapUsage.usedAfterGc();
		System.out.println("Hostile-input suite: " + this.sent.get() + " requests in " + elapsed.toSeconds()
				+ " s, seed " + SEED + "; heap after GC " + mib(heapBefore) + " MiB after the warm-up, "
				+ mib(heapAfter) + " MiB at the end; lane time in ms " + new TreeMap<>(this.millis) + "; "
				+ new TreeMap<>(this.tally));
		stillAnswers(lanes.get(0));
		assertThat(this.violations).as("%s (seed %d)", this.violationCounts, SEED).isEmpty();
		assertThat(this.sent.get()).as("requests sent within %s (seed %d)", BUDGET, SEED)
			.isGreaterThanOrEqualTo(TARGET);
		assertThat(mib(heapAfter - heapBefore)).as("heap growth in MiB (seed %d)", SEED)
			.isLessThanOrEqualTo(HEAP_BOUND_MIB);
	}

	/**
	 * Runs every lane until the requests sent reach a number or the time is up.
	 */
	private void run(List<Lane> lanes, long until, long start) throws InterruptedException {
		List<Thread> threads = new ArrayList<>();
		for (Lane lane : lanes) {
			Thread thread = new Thread(() -> {
				while (this.sent.get() < until && System.nanoTime() - start < BUDGET.toNanos()) {
					lane.next();
				}
			}, "hostile-lane-" + lane.number);
			thread.setUncaughtExceptionHandler((t, ex) -> {
				synchronized (this.violations) {
					this.violations.add(t.getName() + " failed: " + ex);
				}
				ex.printStackTrace();
			});
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join(BUDGET.plusMinutes(2).toMillis());
		}
	}

	// --- set-up

	private Map<String, Map<String, Object>> setUp() throws Exception {
		this.image = "hostile-" + INSTANCE + "/busybox:1";
		this.volume = "hostile-" + INSTANCE + "-data";
		this.docker.tagImageCmd(TestImages.BUSYBOX, "hostile-" + INSTANCE + "/busybox", "1").exec();
		for (String user : List.of(USER, VICTIM)) {
			this.graphQl
				.document("mutation($u: String!, $p: String!) { createUser(input: {username: $u, password: $p, "
						+ "role: USER}) { user { username } } }")
				.variable("u", user)
				.variable("p", HostileRest.USER_PASSWORD)
				.executeAndVerify();
		}
		this.adminAuth = "Bearer " + apiToken(this.graphQl.mutate().build(), "hostile admin");
		this.userAuth = "Bearer " + apiToken(as(USER, HostileRest.USER_PASSWORD), "hostile user");
		this.serviceAuth = "Bearer " + this.tokenService.issueServiceToken("hostile_svc", "1.0.0").block().token();
		// a route that answers, one whose container does not, and versions to kill or
		// switch
		deploy("hostile_web", "1.0.0", null);
		deploy("hostile_dead", "1.0.0", List.of("/bin/busybox", "sleep", "3600"));
		deploy("hostile_a", "1.0.0", null);
		deploy("hostile_a", "1.1.0", null);
		for (int i = 0; i < 3; i++) {
			this.graphQl
				.document("mutation($m: String!) { raiseNotification(input: {message: $m, serviceName: \"hostile_a\"})"
						+ " { notification { id } } }")
				.variable("m", "set-up " + i)
				.executeAndVerify();
		}
		for (int i = 0; i < 2; i++) {
			apiToken(this.graphQl.mutate().build(), "to revoke " + i);
		}
		return introspect();
	}

	private String apiToken(org.springframework.graphql.test.tester.GraphQlTester tester, String name) {
		return tester.document("mutation($n: String!) { createToken(input: {name: $n}) { token } }")
			.variable("n", name)
			.execute()
			.path("createToken.token")
			.entity(String.class)
			.get();
	}

	private void deploy(String name, String version, List<String> command) {
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("name", name);
		input.put("version", version);
		input.put("image", this.image);
		input.put("port", 8000);
		if (command != null) {
			input.put("command", command);
		}
		this.graphQl.documentName("deployService").variable("input", input).executeAndVerify();
	}

	private List<String> knownIds() {
		List<String> ids = new ArrayList<>(List.of("1", "2", "3", "0", "-1", "999999999999999999999",
				"00000000-0000-0000-0000-000000000000", "1 OR 1=1", "../1"));
		this.graphQl.document("{ tokens { id name } }")
			.execute()
			.path("tokens")
			.entityList(Map.class)
			.get()
			.stream()
			.filter((token) -> String.valueOf(token.get("name")).startsWith("to revoke"))
			.forEach((token) -> ids.add(String.valueOf(token.get("id"))));
		this.graphQl.document("{ notifications(first: 20) { notifications { id } } }")
			.execute()
			.path("notifications.notifications[*].id")
			.entityList(String.class)
			.get()
			.forEach(ids::add);
		return ids;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> introspect() {
		Map<String, Object> schema = this.graphQl.document("""
				{ __schema { types { name kind enumValues { name }
				    fields { name type { ...T } args { name type { ...T } } }
				    inputFields { name type { ...T } } } } }
				fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
				""").execute().path("__schema").entity(Map.class).get();
		Map<String, Map<String, Object>> types = new LinkedHashMap<>();
		for (Object type : (List<?>) schema.get("types")) {
			types.put((String) ((Map<?, ?>) type).get("name"), (Map<String, Object>) type);
		}
		return types;
	}

	private StoreSnapshot openStore() throws Exception {
		return new StoreSnapshot(Path.of(this.environment.getProperty("daeploy.data-dir"), "daeploy.db"));
	}

	// --- the traffic: one lane of mutations, the others read

	/**
	 * One thread's stream of requests, from a generator of its own. Lane 0 sends every
	 * request that may change the store (GraphQL mutations, REST sign-ins, sign-outs and
	 * notifications) and checks the store after each; the other lanes send what must
	 * change nothing (queries, reads, the forward-auth check, proxy junk, subscriptions),
	 * which lane 0's checks would see too.
	 */
	final class Lane {

		final int number;

		private final HostileValues values;

		private final HostileGraphQl graphQl;

		private final HostileRest rest;

		private final HostileProxyInput junk;

		private final RawHttp.Client client = new RawHttp.Client(TIMEOUT);

		private long step;

		private String current = "";

		private String previous = "";

		Lane(int number, HostileValues values, Map<String, Map<String, Object>> types, HostileGraphQl.Known known) {
			this.number = number;
			this.values = values;
			this.graphQl = new HostileGraphQl(values, types, known);
			this.rest = new HostileRest(values, HostileRest
				.originsOf(List.of(HostileInputIntegrationTests.this.port, proxyPort(), proxyDashboardPort())));
			this.junk = new HostileProxyInput(values, HostileInputIntegrationTests.this.adminAuth);
		}

		void next() {
			this.previous = this.current;
			double roll = this.values.nextDouble();
			long began = System.nanoTime();
			String kind;
			if (this.number == 0) {
				if (roll < 0.75) {
					kind = "mutation";
					graphQl("Mutation");
				}
				else {
					kind = "rest-mutation";
					rest(true);
				}
				long checked = System.nanoTime();
				checkStore();
				time("store", checked);
			}
			else if (roll < 0.50) {
				kind = "query";
				graphQl("Query");
			}
			else if (roll < 0.72) {
				kind = "rest-read";
				rest(false);
			}
			else if (roll < 0.99) {
				kind = "proxy";
				proxy();
			}
			else {
				kind = "subscription";
				subscription();
			}
			time(kind, began);
			this.step++;
			HostileInputIntegrationTests.this.sent.incrementAndGet();
		}

		void close() {
			this.client.close();
		}

		private void graphQl(String root) {
			String identity = identity();
			HostileGraphQl.Generated generated = this.graphQl.next(root, null);
			Map<String, Object> envelope = new LinkedHashMap<>();
			envelope.put("query", generated.document());
			StringBuilder body = new StringBuilder(Json.write(envelope));
			body.setLength(body.length() - 1);
			if (generated.variables() != null) {
				body.append(",\"variables\":").append(generated.variables());
			}
			if (generated.operationName() != null) {
				body.append(",\"operationName\":").append(Json.write(generated.operationName()));
			}
			body.append('}');
			RawHttp.Request request;
			double roll = this.values.nextDouble();
			if (roll < 0.9) {
				request = new RawHttp.Request("POST", "/graphql").body("application/json", body.toString());
			}
			else if (roll < 0.95) {
				request = new RawHttp.Request("POST", "/graphql")
					.body(this.values.pick("text/plain", "application/graphql", "application/json; charset=utf-16",
							"application/x-www-form-urlencoded", "multipart/form-data"), body.toString());
			}
			else if (roll < 0.97) {
				request = new RawHttp.Request("GET",
						"/graphql?query=" + java.net.URLEncoder.encode(generated.document(), StandardCharsets.UTF_8));
			}
			else {
				request = new RawHttp.Request("POST", "/graphql").body("application/json",
						this.values.pick("", "[" + body + "]", "{\"query\": 1}", "{\"variables\": {}}", "{", "null",
								"{\"query\": null}", "{\"query\": \"{ manager { version } }\", \"extensions\": 1}"));
			}
			if (this.values.chance(0.1)) {
				request.header("Accept", this.values.pick("application/graphql-response+json", "text/html", "*/*",
						"application/xml", "garbage"));
			}
			if (identity != null) {
				request.header("Authorization", identity);
			}
			int target = this.values.chance(0.1) ? proxyPort() : HostileInputIntegrationTests.this.port;
			this.current = "GraphQL " + request.describe();
			Answer answer = this.client.send(target, request);
			count("graphql " + status(answer));
			checkGraphQlAnswer(answer);
		}

		private void rest(boolean mutating) {
			HostileRest.Generated generated = this.rest.next(identity(), mutating);
			int target = this.values.chance(0.1) ? proxyPort() : HostileInputIntegrationTests.this.port;
			RawHttp.Request request = generated.request();
			this.current = "REST " + request.describe();
			Answer answer = this.client.send(target, request);
			count("rest " + generated.path().substring(0, Math.min(generated.path().length(), 20)) + " "
					+ status(answer));
			if (answer.status() < 0 && !hasHugeHeader(request)) {
				violation("no answer", answer);
			}
			else if (answer.status() >= 500) {
				violation("5xx", answer);
			}
			else if (answer.status() >= 400 && isJson(answer) && !"HEAD".equals(request.method)
					&& !refusedByHttp(answer) && !isSpringNoRoute(answer)) {
				Map<String, Object> body = parse(answer.body());
				if (body == null || (!(body.get("code") instanceof String) && !(body.get("errors") instanceof List))) {
					violation("REST error without a code", answer);
				}
				else if (body.get("errors") instanceof List<?> errors) {
					checkErrors(errors, answer);
				}
			}
			boolean audited = ("POST".equals(request.method) || "DELETE".equals(request.method))
					&& (generated.path().startsWith("/auth/log") || generated.path().startsWith("/notifications"));
			if (audited && answer.status() >= 200 && answer.status() < 400) {
				// a REST mutation's entry is written as its answer goes out: wait for it
				long last = HostileInputIntegrationTests.this.baseline.lastAuditId();
				awaitQuietly(() -> !HostileInputIntegrationTests.this.store.auditAfter(last).isEmpty());
			}
		}

		private void proxy() {
			HostileProxyInput.Junk junk = this.junk.next();
			int target = this.values.chance(0.85) ? proxyPort() : proxyDashboardPort();
			this.current = "proxy " + junk.kind() + " to " + target + ": "
					+ new String(junk.bytes(), 0, Math.min(junk.bytes().length, 300), StandardCharsets.ISO_8859_1);
			List<Answer> answers = new ArrayList<>();
			try (RawHttp.Connection connection = new RawHttp.Connection(target, PROXY_TIMEOUT)) {
				try {
					connection.write(junk.bytes());
				}
				catch (java.io.IOException ex) {
					// closed while we wrote: allowed
				}
				if (!junk.complete()) {
					connection.shutdownOutput();
				}
				boolean head = new String(junk.bytes(), 0, Math.min(5, junk.bytes().length),
						StandardCharsets.ISO_8859_1)
					.startsWith("HEAD ");
				for (int i = 0; i < junk.requests() && connection.isOpen(); i++) {
					Answer answer = connection.read(head);
					answers.add(answer);
					if (answer.status() < 0 || answer.status() == 101) {
						break;
					}
				}
			}
			catch (java.io.IOException ex) {
				violation("cannot connect to the proxy: " + ex, null);
			}
			catch (IllegalStateException | NumberFormatException ex) {
				violation("not HTTP: " + ex.getMessage(), null);
			}
			for (Answer answer : answers) {
				count("proxy " + junk.kind() + " " + status(answer));
				if (answer.status() == Answer.TIMED_OUT) {
					violation("the proxy neither answered nor closed within " + PROXY_TIMEOUT, answer);
				}
				else if (answer.status() >= 500 && !(target == proxyPort() && documentedProxy5xx(junk.bytes()))
						&& !(answer.status() == 505 && unsupportedVersion(junk.bytes()))) {
					violation("proxy 5xx", answer);
				}
			}
			if (this.values.chance(0.2)) {
				proxyStillServes();
			}
		}

		void proxyStillServes() {
			try (RawHttp.Connection connection = new RawHttp.Connection(proxyPort(), PROXY_TIMEOUT)) {
				connection
					.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				Answer answer = connection.read(false);
				count("proxy /healthz " + status(answer));
				if (answer.status() != 200) {
					violation("the proxy no longer serves /healthz", answer);
				}
			}
			catch (java.io.IOException ex) {
				violation("the proxy no longer accepts connections: " + ex, null);
			}
			HostileInputIntegrationTests.this.sent.incrementAndGet();
		}

		private void subscription() {
			HostileGraphQl.Generated generated = this.graphQl.next("Subscription",
					this.values.pick(this.graphQl.fields("Subscription")));
			String identity = this.values.pick(HostileInputIntegrationTests.this.adminAuth,
					HostileInputIntegrationTests.this.userAuth, null);
			this.current = "subscription " + generated.document() + " variables " + generated.variables();
			URI uri = URI.create("ws://127.0.0.1:" + HostileInputIntegrationTests.this.port + "/graphql");
			if (identity == null) {
				// without a token the socket is closed (4401) before anything is
				// subscribed
				try (GraphQlWebSocket anonymous = GraphQlWebSocket.open(uri,
						new org.springframework.http.HttpHeaders())) {
					org.springframework.web.reactive.socket.CloseStatus status = anonymous
						.closeStatus(Duration.ofSeconds(10));
					count("subscription anonymous " + ((status != null) ? status.getCode() : "open"));
					if (status == null) {
						violation("an anonymous WebSocket stayed open", null);
					}
				}
				return;
			}
			GraphQlWebSocket socket;
			try {
				socket = GraphQlWebSocket.connect(uri, identity.substring("Bearer ".length()));
			}
			catch (AssertionError ex) {
				violation("a valid token's WebSocket was refused: " + ex.getMessage(), null);
				return;
			}
			try (socket) {
				String payload = "{\"query\":" + Json.write(generated.document())
						+ ((generated.variables() != null) ? ",\"variables\":" + generated.variables() : "") + "}";
				socket.send("{\"id\":\"h\",\"type\":\"subscribe\",\"payload\":" + payload + "}");
				String message = socket.poll(Duration.ofSeconds(1));
				while (message != null && !message.contains("\"id\":\"h\"")) {
					message = socket.poll(Duration.ofSeconds(1));
				}
				count("subscription "
						+ ((message == null) ? "quiet" : message.contains("\"type\":\"error\"") ? "error" : "next"));
				if (message != null && message.contains("\"type\":\"error\"")) {
					Map<String, Object> error = parse(message.getBytes(StandardCharsets.UTF_8));
					if (error == null || !(error.get("payload") instanceof List<?> errors)) {
						violation("subscription error that is not a list of errors: " + message, null);
					}
					else {
						checkErrors(errors, null);
					}
				}
				socket.complete("h");
			}
		}

		private void checkGraphQlAnswer(Answer answer) {
			if (answer.status() < 0) {
				violation("no answer", answer);
				return;
			}
			if (answer.status() >= 500) {
				violation("5xx", answer);
				return;
			}
			if (refusedByHttp(answer)) {
				return;
			}
			Map<String, Object> body = isJson(answer) ? parse(answer.body()) : null;
			if (body == null) {
				violation((answer.status() == 200) ? "200 without a JSON body" : "GraphQL error answer without JSON",
						answer);
				return;
			}
			Object errors = body.get("errors");
			if (errors instanceof List<?> list) {
				checkErrors(list, answer);
			}
			else if (answer.status() >= 400) {
				violation("GraphQL error answer without errors", answer);
			}
			else if (!body.containsKey("data")) {
				violation("neither data nor errors", answer);
			}
		}

		private void checkErrors(List<?> errors, Answer answer) {
			if (errors.isEmpty()) {
				violation("an empty list of errors", answer);
			}
			for (Object error : errors) {
				Object extensions = (error instanceof Map<?, ?> map) ? map.get("extensions") : null;
				Object code = (extensions instanceof Map<?, ?> ext) ? ext.get("code") : null;
				if (!(code instanceof String text) || !CODES.contains(text)) {
					violation("an error without a known code: " + shorten(String.valueOf(error)), answer);
				}
				else if (ErrorCode.INTERNAL.name().equals(code)) {
					violation("INTERNAL: " + shorten(String.valueOf(error)), answer);
				}
			}
		}

		/**
		 * Only a request that the audit log records as {@code OK} may change what is
		 * stored.
		 */
		private void checkStore() {
			StoreSnapshot store = HostileInputIntegrationTests.this.store;
			StoreSnapshot.State before = HostileInputIntegrationTests.this.baseline;
			StoreSnapshot.State after = store.take();
			List<String> differences = after.differencesFrom(before);
			if (!differences.isEmpty()) {
				long last = before.lastAuditId();
				boolean allowed = okAudited(last);
				if (!allowed) {
					// a REST entry may still be on its way
					allowed = awaitQuietly(() -> okAudited(last));
					after = store.take();
					differences = after.differencesFrom(before);
				}
				if (!allowed && !differences.isEmpty()) {
					violation("a request that failed changed the store (or a concurrent read did): " + differences,
							null);
				}
			}
			HostileInputIntegrationTests.this.baseline = after;
		}

		private boolean okAudited(long after) {
			return HostileInputIntegrationTests.this.store.auditAfter(after)
				.stream()
				.anyMatch((entry) -> "OK".equals(entry.get(3)));
		}

		private String identity() {
			double roll = this.values.nextDouble();
			String adminAuth = HostileInputIntegrationTests.this.adminAuth;
			if (roll < 0.35) {
				return adminAuth;
			}
			if (roll < 0.65) {
				return HostileInputIntegrationTests.this.userAuth;
			}
			if (roll < 0.75) {
				return HostileInputIntegrationTests.this.serviceAuth;
			}
			if (roll < 0.88) {
				return null;
			}
			String admin = adminAuth.substring("Bearer ".length());
			return this.values.pick("Bearer garbage", "Bearer ",
					"Bearer " + admin.substring(0, admin.length() - 2) + "xx", "Basic YWRtaW46YWRtaW4=",
					"Bearer " + admin + " extra", "Bearer " + "x".repeat(5000),
					"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJBRE1JTiJ9.", "Bearer a.b.c",
					"Bearer \u00e9\u00e9", admin);
		}

		private void violation(String what, Answer answer) {
			String kind = what.replaceAll(":.*", "");
			int seen = HostileInputIntegrationTests.this.violationCounts.merge(kind, 1, Integer::sum);
			if (seen <= 5) {
				String answered = (answer != null) ? " answered " + status(answer) + " " + shorten(answer.text()) : "";
				synchronized (HostileInputIntegrationTests.this.violations) {
					HostileInputIntegrationTests.this.violations
						.add("lane " + this.number + " #" + this.step + " " + what + answered + "\n   request: "
								+ shorten(this.current) + "\n   after: " + shorten(this.previous));
				}
			}
		}

	}

	/**
	 * A 5xx from the proxy is documented for a service route only: 502 or 504 when the
	 * version does not answer (in time), or the service's own answer (busybox answers 501
	 * to a method or version it does not know) passed through.
	 */
	private static boolean documentedProxy5xx(byte[] request) {
		// any request of the connection (pipelined ones too) that names a service route
		return new String(request, StandardCharsets.ISO_8859_1).contains(" /services/hostile_");
	}

	/**
	 * A request line naming an HTTP version the proxy does not speak (it speaks 1.0 and
	 * 1.1), which it answers 505 as RFC 9110 says (README, "The proxy's limits").
	 */
	private static boolean unsupportedVersion(byte[] request) {
		String text = new String(request, StandardCharsets.ISO_8859_1);
		int end = text.indexOf("\r\n");
		String line = (end >= 0) ? text.substring(0, end) : text;
		return !line.endsWith(" HTTP/1.1") && !line.endsWith(" HTTP/1.0");
	}

	/**
	 * Refused by HTTP itself, before any endpoint: the method (405), {@code Accept}
	 * (406), {@code Content-Type} (415), or a request line or headers too long (414,
	 * 431). These answers are about HTTP, not about the API, and carry no API error (see
	 * the class).
	 */
	private static boolean refusedByHttp(Answer answer) {
		return Set.of(405, 406, 414, 415, 431).contains(answer.status());
	}

	/**
	 * Spring's own answer for a path or method no endpoint serves (see the class).
	 */
	private static boolean isSpringNoRoute(Answer answer) {
		if (answer.status() != 404 && answer.status() != 405) {
			return false;
		}
		Map<String, Object> body = parse(answer.body());
		return body != null && body.containsKey("requestId") && body.containsKey("error");
	}

	private int proxyDashboardPort() {
		return this.proxy.dashboardPort();
	}

	/**
	 * The manager and the proxy still answer, as the admin it started with.
	 */
	private void stillAnswers(Lane lane) {
		lane.current = "the final check";
		Answer answer = new RawHttp.Client(TIMEOUT)
			.send(this.port, new RawHttp.Request("POST", "/graphql").header("Authorization", this.adminAuth)
				.body("application/json", "{\"query\": \"{ me { name } manager { version } services { name } }\"}"));
		Map<String, Object> body = parse(answer.body());
		if (answer.status() != 200 || body == null || body.containsKey("errors")
				|| !String.valueOf(body.get("data")).contains("name=admin")) {
			lane.violation("the manager no longer answers the admin", answer);
		}
		lane.proxyStillServes();
	}

	// --- helpers

	private static boolean hasHugeHeader(RawHttp.Request request) {
		return request.headers.stream().anyMatch((header) -> header[1].length() > 3000)
				|| request.target.length() > 3000;
	}

	private static boolean isJson(Answer answer) {
		String type = answer.header("content-type");
		return type != null && type.contains("json");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> parse(byte[] body) {
		try {
			Object value = JSON.readValue(body, Object.class);
			return (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static boolean awaitQuietly(java.util.function.BooleanSupplier condition) {
		try {
			Awaitility.await()
				.atMost(Duration.ofSeconds(3))
				.pollInterval(Duration.ofMillis(20))
				.until(condition::getAsBoolean);
			return true;
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			return false;
		}
	}

	private void time(String kind, long began) {
		this.millis.merge(kind, (System.nanoTime() - began) / 1_000_000, Long::sum);
	}

	private void count(String what) {
		this.tally.merge(what, 1, Integer::sum);
	}

	private static String status(Answer answer) {
		return switch (answer.status()) {
			case Answer.CLOSED -> "closed";
			case Answer.TIMED_OUT -> "timeout";
			default -> Integer.toString(answer.status());
		};
	}

	private static String shorten(String text) {
		return (text.length() > 600) ? text.substring(0, 600) + "..." : text;
	}

	private static long mib(long bytes) {
		return bytes / (1024 * 1024);
	}

	@AfterEach
	void removeWhatTheSuiteMade() {
		for (Container container : testContainers()) {
			this.docker.removeContainerCmd(container.getId()).withForce(true).exec();
		}
		if (this.image == null) {
			return;
		}
		try {
			this.docker.removeVolumeCmd(this.volume).exec();
		}
		catch (NotFoundException ex) {
			// no deploy used it
		}
		try {
			this.docker.removeImageCmd(this.image).withForce(false).exec();
		}
		catch (NotFoundException ex) {
			// a kill with removeImage took it already
		}
	}

}
