package io.daeploy.manager.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one request may cost is bounded: a query's cost before it runs, its depth, the
 * size of a body; throttled sign-ins lock out only the failing address; the data
 * directory is created owner-only; with auth off, only known host names are answered.
 */
class LimitsIntegrationTests extends ManagerIntegrationTests {

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void smallBudget(DynamicPropertyRegistry registry) {
		registry.add("daeploy.query-budget", () -> "250");
	}

	@Test
	void aQueryOverTheBudgetIsRefusedBeforeItRuns() {
		for (int i = 0; i < 3; i++) {
			this.graphQl.documentName("deployService")
				.variable("input",
						Map.of("name", unique("costly"), "version", "1.0.0", "image", TestImages.BUSYBOX, "labels",
								List.of(Map.of("key", "test.daeploy", "value", "true"))))
				.executeAndVerify();
		}
		// cheap: three rows
		this.graphQl.document("{ services { name version state } }").executeAndVerify();
		// an engine call per row: 3 x 100 and more; the second time the parsed document
		// comes from the cache, and the budget still holds
		for (int i = 0; i < 2; i++) {
			assertThat(code(this.graphQl.document("{ services { name inspection { containerId } } }").execute()))
				.isEqualTo("QUERY_TOO_COSTLY");
		}
		// on one service it is fine
		this.graphQl.document("{ manager { version } }").executeAndVerify();
	}

	@Test
	void theEngineParsesAQueryTextOnce(@Autowired ParsedDocuments documents) {
		String query = "{ manager { version } " + unique("alias") + ": manager { version } }";
		long before = documents.size();
		this.graphQl.document(query).executeAndVerify();
		assertThat(documents.size()).isEqualTo(before + 1);
		this.graphQl.document(query).executeAndVerify();
		assertThat(documents.size()).isEqualTo(before + 1);
	}

	@Test
	void aQueryNestedTooDeepIsRefused() {
		String deep = "{ __schema { types { fields { type { " + "ofType { ".repeat(15) + "name" + " }".repeat(15)
				+ " } } } } }";
		// twice: the second time from the parsed-document cache
		for (int i = 0; i < 2; i++) {
			GraphQlTester.Response response = this.graphQl.document(deep).execute();
			response.errors()
				.satisfy((errors) -> assertThat(errors).singleElement()
					.satisfies((error) -> assertThat(error.getExtensions()).as(error.getMessage())
						.containsEntry("code", "QUERY_TOO_COSTLY")));
		}
	}

	@Test
	void aBodyTooLargeGets413WithACode() {
		String huge = "{\"query\":\"{ manager { version } }\",\"variables\":{\"x\":\"" + "x".repeat(2 * 1024 * 1024)
				+ "\"}}";
		WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build()
			.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(huge)
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("REQUEST_TOO_LARGE"));
	}

	@Test
	void anAcceptHeaderThatIsNoMediaTypeGets400WithACode() {
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
		// "/" is Spring Boot's welcome page route, whose Accept predicate threw a 500
		http.get()
			.uri("/")
			.header("Accept", "garbage")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("\"code\":\"INVALID_INPUT\""));
		http.get().uri("/").header("Accept", "text/html").exchange().expectStatus().isOk();
	}

	@Test
	void failedSignInsLockOutTheFailingAddressOnly() throws Exception {
		ConfigurableApplicationContext manager = TestManagers.start(
				"--daeploy.data-dir=" + Files.createTempDirectory("daeploy-throttle-"),
				"--daeploy.instance=" + INSTANCE + "t", "--daeploy.admin-password=" + ADMIN_PASSWORD,
				"--daeploy.auth.login-max-failures=3", "--daeploy.auth.login-lockout=30s");
		try {
			HttpGraphQlTester anonymous = TestManagers.graphQl(manager, null);
			for (int i = 0; i < 4; i++) {
				loginFrom(anonymous, "203.0.113.7", "admin", "wrong-password");
			}
			assertThat(loginFrom(anonymous, "203.0.113.7", "admin", ADMIN_PASSWORD)).isEqualTo("TOO_MANY_ATTEMPTS");
			// someone elsewhere failing cannot keep the admin out
			assertThat(loginFrom(anonymous, "198.51.100.20", "admin", ADMIN_PASSWORD)).isEqualTo("OK");
		}
		finally {
			manager.close();
		}
	}

	@Test
	void aNewDataDirectoryIsTheOwnersAlone() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-perms-").resolve("fresh");
		ConfigurableApplicationContext manager = TestManagers.start("--daeploy.data-dir=" + dataDir,
				"--daeploy.instance=" + INSTANCE + "p", "--daeploy.admin-password=" + ADMIN_PASSWORD);
		try {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("logs"))))
				.isEqualTo("rwx------");
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("daeploy.db"))))
				.isEqualTo("rw-------");
		}
		finally {
			manager.close();
		}
	}

	@Test
	void withAuthOffOnlyKnownHostNamesAreAnswered() throws Exception {
		ConfigurableApplicationContext manager = TestManagers.start(
				"--daeploy.data-dir=" + Files.createTempDirectory("daeploy-hosts-"),
				"--daeploy.instance=" + INSTANCE + "h", "--daeploy.auth.enabled=false",
				"--daeploy.allowed-hosts=models.example");
		try {
			WebTestClient http = WebTestClient.bindToServer()
				.responseTimeout(Duration.ofSeconds(30))
				.baseUrl("http://127.0.0.1:" + TestManagers.port(manager))
				.build();
			for (String host : List.of("127.0.0.1", "localhost", "models.example")) {
				query(http, host).expectStatus().isOk();
			}
			// a page whose host name resolves to this machine (DNS rebinding)
			query(http, "attacker.example").expectStatus().isEqualTo(421);
		}
		finally {
			manager.close();
		}
	}

	private static WebTestClient.ResponseSpec query(WebTestClient http, String host) {
		return http.post()
			.uri("/graphql")
			.header("Host", host)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"query\":\"{ services { name } }\"}")
			.exchange();
	}

	private static String loginFrom(HttpGraphQlTester anonymous, String address, String username, String password) {
		GraphQlTester.Response response = anonymous.mutate()
			.header("X-Forwarded-For", address)
			.build()
			.document("mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }")
			.variable("u", username)
			.variable("p", password)
			.execute();
		return code(response);
	}

	private static String code(GraphQlTester.Response response) {
		List<ResponseError> errors = new ArrayList<>();
		response.errors().satisfy(errors::addAll);
		return errors.isEmpty() ? "OK" : String.valueOf(errors.get(0).getExtensions().get("code"));
	}

}
