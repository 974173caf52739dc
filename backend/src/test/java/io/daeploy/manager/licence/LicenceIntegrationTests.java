package io.daeploy.manager.licence;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.ECKey;
import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The licence in a whole manager, with its clock set rather than waited for: each state,
 * each refusal, what an expired licence leaves working, the limits, and the warnings
 * before expiry. The manager verifies against a key pair made here
 * ({@code DAEPLOY_LICENCE_PUBLIC_KEY} as PEM).
 */
class LicenceIntegrationTests extends ManagerIntegrationTests {

	private static final ECKey ISSUER = LicenceKeys.generate();

	private static final String LICENCE_FIELDS = "state holder expiresAt activatedAt limits { maxServices maxUsers } problem";

	@Autowired
	SettableClock clock;

	@Autowired
	LicenceService licences;

	private final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void publicKey(DynamicPropertyRegistry registry) {
		registry.add("daeploy.licence.public-key", () -> LicenceKeys.toPem(ISSUER));
	}

	@TestConfiguration
	static class Clocks {

		@Bean
		@Primary
		SettableClock settableClock() {
			return new SettableClock();
		}

	}

	@BeforeEach
	void clockAtNow() {
		this.clock.set(Duration.ZERO);
		this.graphQl = as("admin", ADMIN_PASSWORD);
	}

	@Test
	void aValidLicenceIsShownToUsersAndAdmins() {
		Instant expires = now().plus(100, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
		Map<String, Object> activated = activate(issue("ACME Ltd", expires, new Licence.Limits(50, 20)));
		assertThat(activated).containsEntry("state", "VALID")
			.containsEntry("holder", "ACME Ltd")
			.containsEntry("expiresAt", expires.toString())
			.containsEntry("limits", Map.of("maxServices", 50, "maxUsers", 20))
			.containsEntry("problem", null);
		assertThat(licence(this.graphQl)).isEqualTo(activated);

		String user = unique("viewer");
		createUser(this.graphQl, user).path("createUser.user.username").entity(String.class).isEqualTo(user);
		assertThat(licence(as(user, "viewer-password"))).isEqualTo(activated);
	}

	@Test
	void forgedTamperedAndMalformedKeysAreRefusedAndChangeNothing() {
		Map<String, Object> before = activate(issue("Keeper", now().plus(200, ChronoUnit.DAYS), Licence.Limits.NONE));

		String genuine = issue("Keeper", now().plus(3000, ChronoUnit.DAYS), Licence.Limits.NONE);
		String[] parts = genuine.split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		String tampered = parts[0] + "."
				+ Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString(payload.replace("Keeper", "Keeper2").getBytes(StandardCharsets.UTF_8))
				+ "." + parts[2];
		String forged = LicenceKeys.sign(
				new Licence("f", "Forger", now(), now().plus(3000, ChronoUnit.DAYS), Licence.Limits.NONE),
				LicenceKeys.generate());
		String session = login("admin", ADMIN_PASSWORD);
		for (String key : List.of(tampered, forged, session, "not a licence", "", "x".repeat(9000))) {
			refusal(activation(key), "LICENCE_INVALID");
			activation(key).errors()
				.satisfy((errors) -> assertThat(errors.get(0).getExtensions()).containsEntry("field", "input.key"));
			assertThat(licence(this.graphQl)).as("after %s", key).isEqualTo(before);
		}
	}

	@Test
	void aKeyThatHasAlreadyExpiredIsRefusedAndChangesNothing() {
		Map<String, Object> before = activate(issue("Current", now().plus(60, ChronoUnit.DAYS), Licence.Limits.NONE));
		refusal(activation(issue("Old", now().minus(1, ChronoUnit.DAYS), Licence.Limits.NONE)), "LICENCE_EXPIRED");
		assertThat(licence(this.graphQl)).isEqualTo(before);
	}

	@Test
	void theStateFollowsTheClockAndEachWarningIsRaisedOnce() {
		String holder = "Clockwork " + UUID.randomUUID().toString().substring(0, 6);
		activate(issue(holder, now().plus(40, ChronoUnit.DAYS), Licence.Limits.NONE));
		assertThat(licence(this.graphQl)).containsEntry("state", "VALID");
		assertThat(warnings(holder)).isEmpty();

		at(Duration.ofDays(11));
		assertThat(licence(this.graphQl)).containsEntry("state", "EXPIRING");
		checkTwice();
		assertThat(warnings(holder))
			.containsExactly(Map.of("message", warning(holder, "in 30 days"), "counter", 1, "severity", "WARNING"));

		at(Duration.ofDays(34));
		checkTwice();
		at(Duration.ofDays(39).plusHours(12));
		checkTwice();
		assertThat(licence(this.graphQl)).containsEntry("state", "EXPIRING");

		at(Duration.ofDays(40).plusMinutes(1));
		checkTwice();
		assertThat(licence(this.graphQl)).containsEntry("state", "EXPIRED").containsEntry("holder", holder);
		List<Map<String, Object>> warnings = warnings(holder);
		assertThat(warnings).extracting((w) -> w.get("counter")).containsOnly(1);
		assertThat(warnings).extracting((w) -> (String) w.get("message"))
			.containsExactlyInAnyOrder(warning(holder, "in 30 days"), warning(holder, "in 7 days"),
					warning(holder, "in 1 day"), "The licence of " + holder + " expired on "
							+ now().minus(1, ChronoUnit.MINUTES).toString().substring(0, 10) + " (UTC)");
	}

	@Test
	void anExpiredLicenceRefusesCreatingAndLeavesEverythingElseWorking() throws Exception {
		activate(issue("Lapsing", now().plus(10, ChronoUnit.DAYS), Licence.Limits.NONE));
		String name = unique("lapse");
		deploy(name, "1.0.0").path("deployService.service.state").entity(String.class).isEqualTo("RUNNING");
		String user = unique("lapser");
		createUser(this.graphQl, user).path("createUser.user.username").entity(String.class).isEqualTo(user);
		String apiToken = this.graphQl.document("mutation { createToken(input: {name: \"before\"}) { token } }")
			.execute()
			.path("createToken.token")
			.entity(String.class)
			.get();

		at(Duration.ofDays(10).plusHours(1));
		assertThat(licence(this.graphQl)).containsEntry("state", "EXPIRED");
		HttpGraphQlTester asUser = as(user, "viewer-password");

		// creating is refused, whatever the document looks like
		refusal(deploy(unique("refused"), "1.0.0"), "LICENCE_EXPIRED");
		refusal(deploy(name, "2.0.0"), "LICENCE_EXPIRED");
		refusal(createUser(this.graphQl, unique("late")), "LICENCE_EXPIRED");
		refusal(this.graphQl.document("mutation { createToken(input: {name: \"after\"}) { token } }").execute(),
				"LICENCE_EXPIRED");
		refusal(asUser.document("mutation { t: createToken(input: {name: \"aliased\"}) { token } }").execute(),
				"LICENCE_EXPIRED");
		refusal(asUser
			.document(
					"mutation { ...F } fragment F on Mutation { createToken(input: {name: \"frag\"}) " + "{ token } }")
			.execute(), "LICENCE_EXPIRED");
		this.graphQl.document("{ users { username } tokens { name } }")
			.execute()
			.path("users[*].username")
			.entityList(String.class)
			.contains(user)
			.path("tokens[*].name")
			.entityList(String.class)
			.contains("before")
			.doesNotContain("after");
		assertThat(this.graphQl.document("{ auditLog(first: 20) { entries { action outcome } } }")
			.execute()
			.path("auditLog.entries")
			.entityList(Map.class)
			.get()).contains(Map.of("action", "createToken", "outcome", "LICENCE_EXPIRED"),
					Map.of("action", "deployService", "outcome", "LICENCE_EXPIRED"));

		// what runs keeps running and answering; reads, logs, notifications and kills
		// work
		withToken(apiToken).document("{ services(name: \"" + name + "\") { version state } }")
			.execute()
			.path("services")
			.entityList(Map.class)
			.containsExactly(Map.of("version", "1.0.0", "state", "RUNNING"));
		HttpResponse<String> routed = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort() + "/services/" + name + "/"))
				.header("Authorization", "Bearer " + apiToken)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(routed.statusCode()).isEqualTo(200);
		assertThat(routed.body()).contains("daeploy test service");
		asUser.document("{ serviceLogs(name: \"" + name + "\", version: \"1.0.0\", tail: 5) { line } }")
			.execute()
			.path("serviceLogs")
			.hasValue();
		asUser
			.document("mutation { raiseNotification(input: {serviceName: \"" + name
					+ "\", message: \"still here\"}) { notification { counter } } }")
			.execute()
			.path("raiseNotification.notification.counter")
			.entity(Integer.class)
			.isEqualTo(1);
		asUser.document("mutation { killService(input: {name: \"" + name + "\", version: \"1.0.0\"}) { name } }")
			.execute()
			.path("killService.name")
			.entity(String.class)
			.isEqualTo(name);

		// a new licence lifts the restriction
		activate(issue("Renewed", now().plus(365, ChronoUnit.DAYS), Licence.Limits.NONE));
		asUser.document("mutation { createToken(input: {name: \"renewed\"}) { token } }")
			.execute()
			.path("createToken.token")
			.hasValue();
	}

	@Test
	void limitsRefuseNewServicesAndUsersPastThem() {
		long services = this.graphQl.document("{ services { name } }")
			.execute()
			.path("services[*].name")
			.entityList(String.class)
			.get()
			.stream()
			.distinct()
			.count();
		int users = this.graphQl.document("{ users { username } }")
			.execute()
			.path("users")
			.entityList(Map.class)
			.get()
			.size();
		activate(issue("Small", now().plus(90, ChronoUnit.DAYS), new Licence.Limits((int) services + 1, users + 1)));

		String first = unique("limited");
		deploy(first, "1.0.0").path("deployService.service.state").entity(String.class).isEqualTo("RUNNING");
		// a new version of a deployed service adds no service
		deploy(first, "1.1.0").path("deployService.service.state").entity(String.class).isEqualTo("RUNNING");
		refusal(deploy(unique("over"), "1.0.0"), "LICENCE_LIMIT");

		createUser(this.graphQl, unique("fits")).path("createUser.user").hasValue();
		refusal(createUser(this.graphQl, unique("spare")), "LICENCE_LIMIT");
		assertThat(this.graphQl.document("{ users { username } }").execute().path("users").entityList(Map.class).get())
			.hasSize(users + 1);
	}

	private void at(Duration offset) {
		this.clock.set(offset);
		// sessions are judged by the same clock: sign in again at the new time
		this.graphQl = as("admin", ADMIN_PASSWORD);
	}

	private void checkTwice() {
		this.licences.warnIfDue().block(DEADLINE);
		this.licences.warnIfDue().block(DEADLINE);
	}

	private static String warning(String holder, String when) {
		return "The licence of " + holder + " expires " + when;
	}

	private List<Map<String, Object>> warnings(String holder) {
		List<Map<String, Object>> all = this.graphQl
			.document("{ notifications(serviceName: \"Manager\", first: 100) { notifications { message counter "
					+ "severity } } }")
			.execute()
			.path("notifications.notifications")
			.entityList(Map.class)
			.get()
			.stream()
			.map((n) -> (Map<String, Object>) n)
			.filter((n) -> ((String) n.get("message")).startsWith("The licence of " + holder))
			.toList();
		// the message goes on with the date; compare by its start
		return all.stream().map((n) -> {
			String message = (String) n.get("message");
			int cut = message.indexOf(" day");
			String kept = message.contains(" expired on ") ? message.substring(0, message.indexOf(" (UTC)") + 6)
					: message.substring(0, (message.charAt(cut + 4) == 's') ? cut + 5 : cut + 4);
			return Map.<String, Object>of("message", kept, "counter", n.get("counter"), "severity", n.get("severity"));
		}).toList();
	}

	private Instant now() {
		return this.clock.instant();
	}

	private static String issue(String holder, Instant expires, Licence.Limits limits) {
		return LicenceKeys.sign(new Licence(UUID.randomUUID().toString(), holder,
				Instant.now().truncatedTo(ChronoUnit.SECONDS), expires.truncatedTo(ChronoUnit.SECONDS), limits),
				ISSUER);
	}

	private GraphQlTester.Response activation(String key) {
		return this.graphQl
			.document("mutation($k: String!) { activateLicence(input: {key: $k}) { licence { " + LICENCE_FIELDS
					+ " } } }")
			.variable("k", key)
			.execute();
	}

	private Map<String, Object> activate(String key) {
		return activation(key).path("activateLicence.licence").entity(Map.class).get();
	}

	private static Map<String, Object> licence(HttpGraphQlTester tester) {
		return tester.document("{ licence { " + LICENCE_FIELDS + " } }")
			.execute()
			.path("licence")
			.entity(Map.class)
			.get();
	}

	private static GraphQlTester.Response createUser(HttpGraphQlTester tester, String username) {
		return tester
			.document("mutation($u: String!) { createUser(input: {username: $u, password: \"viewer-password\"}) "
					+ "{ user { username } } }")
			.variable("u", username)
			.execute();
	}

	private GraphQlTester.Response deploy(String name, String version) {
		return this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", version, "image", TestImages.BUSYBOX, "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.execute();
	}

	private static void refusal(GraphQlTester.Response response, String code) {
		response.errors().satisfy((errors) -> {
			assertThat(errors).hasSize(1);
			assertThat(errors.get(0).getExtensions()).as(errors.get(0).getMessage()).containsEntry("code", code);
		});
	}

}
