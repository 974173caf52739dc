package io.daeploy.manager.licence;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.ECKey;
import io.daeploy.manager.TestManagers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.graphql.test.tester.HttpGraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The licence outlives the manager: community mode before one is activated, the stored
 * licence and its warnings after a restart (none raised twice), and a stored licence that
 * no longer verifies against a changed public key.
 */
@ExtendWith(OutputCaptureExtension.class)
class LicenceRestartIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String PASSWORD = "licence-admin-pw";

	private final List<ConfigurableApplicationContext> managers = new ArrayList<>();

	@AfterEach
	void stop() {
		this.managers.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void theLicenceAndItsWarningsSurviveARestartAndAChangedKeyMakesItInvalid() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-licence-restart-");
		ECKey issuer = LicenceKeys.generate();
		Path publicJwk = dataDir.resolveSibling(dataDir.getFileName() + "-public.jwk");
		Files.writeString(publicJwk, issuer.toPublicJWK().toJSONString());

		// community mode: no licence, nothing restricted
		ConfigurableApplicationContext manager = start(dataDir, LicenceKeys.toPem(issuer));
		HttpGraphQlTester admin = admin(manager);
		Map<String, Object> none = new java.util.HashMap<>();
		none.put("maxServices", null);
		none.put("maxUsers", null);
		assertThat(licence(admin)).containsEntry("state", "NONE")
			.containsEntry("holder", null)
			.containsEntry("limits", none);
		createUser(admin, "community").path("createUser.user.username").entity(String.class).isEqualTo("community");
		admin.document("mutation { createToken(input: {name: \"community\"}) { token } }")
			.execute()
			.path("createToken.token")
			.hasValue();

		String holder = "Restarted " + UUID.randomUUID().toString().substring(0, 6);
		Instant expires = Instant.now().plus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
		String key = LicenceKeys.sign(new Licence("r1", holder, Instant.now(), expires, Licence.Limits.NONE), issuer);
		admin.document("mutation($k: String!) { activateLicence(input: {key: $k}) { licence { state } } }")
			.variable("k", key)
			.execute()
			.path("activateLicence.licence.state")
			.entity(String.class)
			.isEqualTo("EXPIRING");
		assertThat(warnings(admin, holder)).containsExactly(Map.of("counter", 1, "severity", "WARNING"));
		manager.close();

		// the public key given as a file this time; the start-up check raises nothing new
		ConfigurableApplicationContext restarted = start(dataDir, publicJwk.toString());
		HttpGraphQlTester again = admin(restarted);
		assertThat(licence(again)).containsEntry("state", "EXPIRING")
			.containsEntry("holder", holder)
			.containsEntry("expiresAt", expires.toString());
		restarted.getBean(LicenceService.class).warnIfDue().block(TIMEOUT);
		assertThat(warnings(again, holder)).containsExactly(Map.of("counter", 1, "severity", "WARNING"));
		restarted.close();

		// another public key: the stored licence no longer verifies
		ECKey otherIssuer = LicenceKeys.generate();
		ConfigurableApplicationContext rekeyed = start(dataDir, otherIssuer.toPublicJWK().toJSONString());
		HttpGraphQlTester rekeyedAdmin = admin(rekeyed);
		assertThat(licence(rekeyedAdmin)).containsEntry("state", "INVALID")
			.containsEntry("holder", null)
			.satisfies((l) -> assertThat((String) l.get("problem")).contains("signature"));
		refusal(createUser(rekeyedAdmin, "refused"), "LICENCE_INVALID");
		refusal(rekeyedAdmin.document("mutation { createToken(input: {name: \"refused\"}) { token } }").execute(),
				"LICENCE_INVALID");
		assertThat(rekeyedAdmin.document("{ users { username } }")
			.execute()
			.path("users[*].username")
			.entityList(String.class)
			.get()).contains("admin", "community").doesNotContain("refused");
		String renewed = LicenceKeys.sign(new Licence("r2", "Renewed", Instant.now(),
				Instant.now().plus(400, ChronoUnit.DAYS), Licence.Limits.NONE), otherIssuer);
		rekeyedAdmin.document("mutation($k: String!) { activateLicence(input: {key: $k}) { licence { state } } }")
			.variable("k", renewed)
			.execute()
			.path("activateLicence.licence.state")
			.entity(String.class)
			.isEqualTo("VALID");
		createUser(rekeyedAdmin, "renewed").path("createUser.user.username").entity(String.class).isEqualTo("renewed");
	}

	@Test
	void anUnusablePublicKeySettingStopsTheStartSayingWhatToDo(CapturedOutput output) throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-licence-badkey-");
		for (String setting : List.of("{\"kty\":\"oct\",\"k\":\"AAAA\"}", dataDir.resolve("missing.pem").toString(),
				"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")) {
			assertThatException().isThrownBy(() -> start(dataDir, setting)).satisfies((ex) -> {
				Throwable cause = ex;
				while (cause != null && !(cause instanceof UnusablePublicKeyException)) {
					cause = cause.getCause();
				}
				assertThat(cause).as("the reason the start stopped").isNotNull();
				assertThat(cause.getMessage()).startsWith("DAEPLOY_LICENCE_PUBLIC_KEY");
			});
		}
		assertThat(output.getAll()).contains("Set DAEPLOY_LICENCE_PUBLIC_KEY to the issuer's public key");
	}

	private static Map<String, Object> licence(HttpGraphQlTester tester) {
		return tester.document("{ licence { state holder expiresAt limits { maxServices maxUsers } problem } }")
			.execute()
			.path("licence")
			.entity(Map.class)
			.get();
	}

	private static List<Map<String, Object>> warnings(HttpGraphQlTester tester, String holder) {
		return tester
			.document("{ notifications(serviceName: \"Manager\", first: 100) { notifications { message counter "
					+ "severity } } }")
			.execute()
			.path("notifications.notifications")
			.entityList(Map.class)
			.get()
			.stream()
			.map((n) -> (Map<String, Object>) n)
			.filter((n) -> ((String) n.get("message")).startsWith("The licence of " + holder + " expires in"))
			.map((n) -> Map.of("counter", n.get("counter"), "severity", n.get("severity")))
			.toList();
	}

	private static GraphQlTester.Response createUser(HttpGraphQlTester tester, String username) {
		return tester
			.document("mutation($u: String!) { createUser(input: {username: $u, password: \"user-password\"}) "
					+ "{ user { username } } }")
			.variable("u", username)
			.execute();
	}

	private static void refusal(GraphQlTester.Response response, String code) {
		response.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", code)));
	}

	private ConfigurableApplicationContext start(Path dataDir, String publicKey) {
		ConfigurableApplicationContext manager = TestManagers.start("--daeploy.data-dir=" + dataDir,
				"--daeploy.instance=test-" + UUID.randomUUID().toString().substring(0, 8),
				"--daeploy.admin-password=" + PASSWORD, "--daeploy.licence.public-key=" + publicKey);
		this.managers.add(manager);
		return manager;
	}

	private static HttpGraphQlTester admin(ConfigurableApplicationContext manager) {
		String token = graphQl(manager, null)
			.document("mutation { login(input: {username: \"admin\", password: \"" + PASSWORD + "\"}) { token } }")
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
		return graphQl(manager, token);
	}

	private static HttpGraphQlTester graphQl(ConfigurableApplicationContext manager, String token) {
		return TestManagers.graphQl(manager, token)
			.mutate()
			.webTestClient((client) -> client.responseTimeout(TIMEOUT))
			.build();
	}

}
