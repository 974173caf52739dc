package io.daeploy.manager;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.jwk.ECKey;
import io.daeploy.manager.auth.TokenService;
import io.daeploy.manager.licence.Licence;
import io.daeploy.manager.licence.LicenceKeys;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * README's examples run as pasted: every operation of every {@code graphql} block and
 * every {@code sh} block that calls curl, in README's order, against the whole manager.
 * Queries and mutations must answer without errors, subscriptions must deliver a first
 * message without error, curl must print a GraphQL answer without errors. Only the
 * placeholders in {@link #PLACEHOLDERS} are replaced; everything else is sent verbatim.
 */
class ReadmeExamplesIntegrationTests extends ManagerIntegrationTests {

	private static final Path README = Path.of("../README.md");

	/** README's examples deploy under this name, which no other test uses. */
	private static final String SERVICE = "hello";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * What cannot run as pasted, and what the test sends instead. Each must occur in
	 * README, so the list cannot outlive the examples it is for.
	 */
	private static final ECKey LICENCE_ISSUER = LicenceKeys.generate();

	private static final Map<String, String> PLACEHOLDERS = placeholders();

	@DynamicPropertySource
	static void licencePublicKey(DynamicPropertyRegistry registry) {
		registry.add("daeploy.licence.public-key", () -> LICENCE_ISSUER.toPublicJWK().toJSONString());
	}

	/**
	 * Where curl examples reach the manager; the test's proxy binds a free port instead.
	 */
	private static final String README_PROXY = "localhost:5080";

	/**
	 * README names a deployment by id 1; the test's manager may have run others before,
	 * so the test sends the id of the newest deployment instead.
	 */
	private static final String README_DEPLOYMENT = "(id: \"1\")";

	/**
	 * Operations sent with a service's own token instead of the admin's: a service raises
	 * notifications as itself (README says so), while a user must name the service. The
	 * token is issued the way the notification tests issue one, for {@code hello}'s main
	 * version.
	 */
	private static final List<String> AS_SERVICE = List.of("raiseNotification");

	private static final Pattern FENCE = Pattern.compile("^```\\s*(\\S*)\\s*$");

	private static final Pattern ROOT_FIELD = Pattern.compile("^\\s*(?:\\w+\\s*:\\s*)?(\\w+)");

	@Autowired
	TokenService tokens;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private String admin;

	private static Map<String, String> placeholders() {
		Map<String, String> placeholders = new LinkedHashMap<>();
		// the password is shown as "..." in GraphQL and, escaped, in curl's JSON body
		placeholders.put("password: \"...\"", "password: \"" + ADMIN_PASSWORD + "\"");
		placeholders.put("password: \\\"...\\\"", "password: \\\"" + ADMIN_PASSWORD + "\\\"");
		// a licence signed with this run's own key pair, which the manager is given
		placeholders.put("key: \"eyJ...\"", "key: \"" + LicenceKeys.sign(new Licence("readme", "README", Instant.now(),
				Instant.now().plus(365, ChronoUnit.DAYS), Licence.Limits.NONE), LICENCE_ISSUER) + "\"");
		return placeholders;
	}

	@Test
	void everyExampleRunsAsPasted() throws Exception {
		String readme = Files.readString(README);
		PLACEHOLDERS.keySet()
			.forEach(
					(placeholder) -> assertThat(readme).as("README still shows %s", placeholder).contains(placeholder));
		assertThat(readme).as("README's examples deploy %s", SERVICE).contains("name: \"" + SERVICE + "\"");
		assertThat(readme).as("README names a deployment").contains(README_DEPLOYMENT);
		assertNoOtherManagerRuns(SERVICE);

		List<Example> examples = examples(readme);
		assertThat(examples).extracting(Example::kind)
			.contains(Kind.QUERY, Kind.MUTATION, Kind.SUBSCRIPTION, Kind.CURL);
		this.admin = login("admin", ADMIN_PASSWORD);
		for (Example example : examples) {
			String text = substitute(example.text());
			if (text.contains(README_DEPLOYMENT)) {
				text = text.replace(README_DEPLOYMENT, "(id: \"" + newestDeployment() + "\")");
			}
			switch (example.kind()) {
				case QUERY, MUTATION -> execute(example, text);
				case SUBSCRIPTION -> subscribe(example, text);
				case CURL -> curl(example, text);
			}
		}
		// a deploy README started may still run: let it end before the services are
		// killed
		await("README's deployments to end",
				() -> this.graphQl.document("{ deployments(first: 50) { deployments { state } } }")
					.execute()
					.path("deployments.deployments[*].state")
					.entityList(String.class)
					.get()
					.stream()
					.allMatch((state) -> List.of("RUNNING", "STOPPED", "FAILED", "CANCELLED").contains(state)));
	}

	private String newestDeployment() {
		return this.graphQl.document("{ deployments(first: 1) { deployments { id } } }")
			.execute()
			.path("deployments.deployments[0].id")
			.entity(String.class)
			.get();
	}

	private void execute(Example example, String document) {
		String root = rootField(document);
		HttpGraphQlTester tester = AS_SERVICE.contains(root) ? withToken(serviceToken()) : this.graphQl;
		tester.document(document)
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).as("errors of %s", example).isEmpty())
			.path(root)
			.hasValue();
	}

	/**
	 * Opens the subscription over a WebSocket on the proxy port, as a user would, and
	 * waits for its first message. Streams of what happens from now on get their first
	 * message only once something happens, so the test makes it happen (see
	 * {@link #trigger}) until the message comes.
	 */
	private void subscribe(Example example, String document) throws Exception {
		URI uri = URI.create("ws://127.0.0.1:" + proxyPort() + "/graphql");
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(uri, this.admin)) {
			socket.subscribe("readme", document);
			// a subscription that fails says so at once, before anything is triggered
			String first = firstOf(socket, Duration.ofMillis(500));
			String triggered = "nothing";
			long deadline = System.nanoTime() + DEADLINE.toNanos();
			while (first == null && System.nanoTime() < deadline) {
				triggered = trigger(rootField(document), document);
				first = firstOf(socket, Duration.ofSeconds(1));
			}
			if (first == null) {
				fail("No message within %s on %s (triggered: %s)", DEADLINE, example, triggered);
			}
			Map<String, Object> message = JSON.readValue(first, Map.class);
			assertThat(message).as("first message of %s", example).containsEntry("type", "next");
			Map<String, Object> payload = (Map<String, Object>) message.get("payload");
			assertThat(payload).as("first message of %s", example).doesNotContainKey("errors");
			assertThat((Map<String, Object>) payload.get("data")).as("first message of %s", example)
				.containsKey(rootField(document));
			socket.complete("readme");
		}
	}

	private static String firstOf(GraphQlWebSocket socket, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			String message = socket.poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (message != null && message.contains("\"id\":\"readme\"")) {
				return message;
			}
		}
		return null;
	}

	/**
	 * Makes a subscription's stream move: a request to the service for its log, a raise
	 * for notifications, a deploy for service events. Streams that start with what exists
	 * (the manager's log) need nothing.
	 * @return what was done, for a failure message
	 */
	private String trigger(String field, String document) throws Exception {
		switch (field) {
			case "serviceLogs", "serviceLogBatches" -> {
				URI service = URI.create("http://127.0.0.1:" + proxyPort() + "/services/" + argument(document, "name")
						+ "_" + argument(document, "version") + "/");
				HttpResponse<String> answer = this.http.send(HttpRequest.newBuilder(service)
					.header("Authorization", "Bearer " + this.admin)
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString());
				return "GET " + service + ", answered " + answer.statusCode();
			}
			case "notifications" -> {
				withToken(serviceToken()).document(
						"mutation { raiseNotification(input: { message: \"README test\" }) { notification { id } } }")
					.executeAndVerify();
				return "a raiseNotification as " + SERVICE;
			}
			case "serviceEvents" -> {
				this.graphQl
					.document("mutation { deployService(input: { name: \"readme_events\", version: \"1.0.0\", "
							+ "image: \"" + TestImages.BUSYBOX + "\" }) { service { name } } }")
					.executeAndVerify();
				return "a deploy of readme_events 1.0.0";
			}
			default -> {
				return "nothing";
			}
		}
	}

	/**
	 * Runs a shell example with bash, as pasted but on the port the test's proxy bound,
	 * and checks that it printed a GraphQL answer without errors.
	 */
	private void curl(Example example, String script) throws Exception {
		assertThat(script).as("%s calls the proxy at %s", example, README_PROXY).contains(README_PROXY);
		String onProxy = script.replace(README_PROXY, "localhost:" + proxyPort());
		Process process = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + onProxy).redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			fail("%s did not finish within 60 s", example);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(process.exitValue()).as("exit status of %s, which printed %s", example, output).isZero();
		assertThat(output).as("output of %s", example).startsWith("{");
		Map<String, Object> answer = JSON.readValue(output, Map.class);
		assertThat(answer).as("output of %s", example).doesNotContainKey("errors").containsKey("data");
		assertThat(answer.get("data")).as("output of %s", example).isNotNull();
	}

	private String serviceToken() {
		String version = this.graphQl.document("{ services(name: \"" + SERVICE + "\") { version main } }")
			.execute()
			.path("services[?(@.main == true)].version")
			.entityList(String.class)
			.get()
			.get(0);
		return this.tokens.issueServiceToken(SERVICE, version).block().token();
	}

	/**
	 * Service names are README's, not unique: a concurrent run of this test (or a manager
	 * running README's examples) on the same engine would own the same container names.
	 */
	private void assertNoOtherManagerRuns(String service) {
		List<String> others = this.docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("daeploy.name", service))
			.exec()
			.stream()
			.filter((container) -> !INSTANCE.equals(container.getLabels().get("daeploy.instance")))
			.map((container) -> String.join(",", container.getNames()))
			.toList();
		assertThat(others).as("containers of another manager named %s on this engine", service).isEmpty();
	}

	private static String substitute(String text) {
		String result = text;
		for (Map.Entry<String, String> placeholder : PLACEHOLDERS.entrySet()) {
			result = result.replace(placeholder.getKey(), placeholder.getValue());
		}
		return result;
	}

	private static String rootField(String document) {
		Matcher field = ROOT_FIELD.matcher(document.substring(document.indexOf('{') + 1));
		assertThat(field.find()).as("a root field in %s", document).isTrue();
		return field.group(1);
	}

	private static String argument(String document, String name) {
		Matcher value = Pattern.compile("\\b" + name + ":\\s*\"([^\"]*)\"").matcher(document);
		assertThat(value.find()).as("argument %s in %s", name, document).isTrue();
		return value.group(1);
	}

	/**
	 * README's examples in order: each operation of each {@code graphql} block, each
	 * {@code sh} block that calls curl.
	 * @param readme README's text
	 * @return the examples
	 */
	static List<Example> examples(String readme) {
		List<Example> examples = new ArrayList<>();
		String[] lines = readme.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			Matcher open = FENCE.matcher(lines[i]);
			if (!open.matches()) {
				continue;
			}
			int start = i + 1;
			int end = start;
			while (end < lines.length && !lines[end].startsWith("```")) {
				end++;
			}
			assertThat(end).as("the fence opened on README line %d is closed", i + 1).isLessThan(lines.length);
			String block = String.join("\n", List.of(lines).subList(start, end));
			String language = open.group(1);
			if (language.equals("graphql")) {
				for (String operation : operations(block, start + 1)) {
					examples.add(new Example(kindOf(operation), operation, start + 1));
				}
			}
			else if (List.of("sh", "bash", "shell").contains(language) && block.contains("curl ")) {
				examples.add(new Example(Kind.CURL, block, start + 1));
			}
			i = end;
		}
		return examples;
	}

	/**
	 * Splits a block into its operations: each ends where its braces balance again.
	 * Braces inside strings and comments do not count; comments stay with the operation
	 * that follows them.
	 */
	static List<String> operations(String block, int firstLine) {
		List<String> operations = new ArrayList<>();
		int depth = 0;
		int start = 0;
		for (int i = 0; i < block.length(); i++) {
			char c = block.charAt(i);
			if (c == '#') {
				while (i < block.length() && block.charAt(i) != '\n') {
					i++;
				}
			}
			else if (c == '"') {
				boolean blockString = block.startsWith("\"\"\"", i);
				String close = blockString ? "\"\"\"" : "\"";
				i += close.length();
				while (i < block.length() && !block.startsWith(close, i)) {
					i += (block.charAt(i) == '\\') ? 2 : 1;
				}
				i += close.length() - 1;
			}
			else if (c == '{') {
				depth++;
			}
			else if (c == '}') {
				depth--;
				assertThat(depth).as("braces of the graphql block on README line %d", firstLine).isNotNegative();
				if (depth == 0) {
					operations.add(block.substring(start, i + 1).strip());
					start = i + 1;
				}
			}
		}
		String rest = block.substring(start).replaceAll("(?m)#.*$", "").strip();
		assertThat(depth).as("braces of the graphql block on README line %d", firstLine).isZero();
		assertThat(rest).as("text after the last operation of the graphql block on README line %d", firstLine)
			.isEmpty();
		return operations;
	}

	private static Kind kindOf(String operation) {
		String keyword = operation.replaceAll("(?m)#.*$", "").strip().split("[\\s({]", 2)[0];
		return switch (keyword) {
			case "", "query" -> Kind.QUERY;
			case "mutation" -> Kind.MUTATION;
			case "subscription" -> Kind.SUBSCRIPTION;
			default -> throw new AssertionError("Not an operation: " + operation);
		};
	}

	enum Kind {

		QUERY, MUTATION, SUBSCRIPTION, CURL

	}

	record Example(Kind kind, String text, int line) {

		@Override
		public String toString() {
			return "README's " + this.kind.name().toLowerCase() + " (block on line " + this.line + "): "
					+ this.text.replaceAll("\\s+", " ");
		}

	}

}
