package io.daeploy.manager.auth;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Users, tokens, forward auth and the audit log, end to end over HTTP.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuthIntegrationTests extends ManagerIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	ProxyConnector proxy;

	@Test
	void apiTokensWorkUntilRevokedAndAreListedWithoutTheirSecret() {
		String user = newUser("tokens");
		HttpGraphQlTester session = as(user, "user-password");
		Map<String, Object> created = session
			.document("mutation { createToken(input: {name: \"ci\", expiresInDays: 30}) { token apiToken { id name "
					+ "createdAt expiresAt } } }")
			.execute()
			.path("createToken")
			.entity(Map.class)
			.get();
		String token = (String) created.get("token");
		Map<String, Object> apiToken = (Map<String, Object>) created.get("apiToken");
		assertThat(apiToken.get("expiresAt")).isNotNull();

		withToken(token).document("{ me { name role tokenKind } }")
			.execute()
			.path("me")
			.entity(Map.class)
			.isEqualTo(Map.of("name", user, "role", "USER", "tokenKind", "API"));
		List<Map> listed = session.document("{ tokens { id name createdAt expiresAt lastUsedAt } }")
			.execute()
			.path("tokens")
			.entityList(Map.class)
			.get();
		assertThat(listed).singleElement().satisfies((t) -> assertThat(t).containsEntry("id", apiToken.get("id")));
		assertThat(listed.toString()).doesNotContain(token);

		session.document("mutation($id: ID!) { revokeToken(input: {id: $id}) { id } }")
			.variable("id", apiToken.get("id"))
			.executeAndVerify();
		assertThat(graphQlStatus(token)).isEqualTo(HttpStatus.UNAUTHORIZED);
		// a user cannot revoke another user's token
		String other = newUser("other");
		String othersId = as(other, "user-password")
			.document("mutation { createToken(input: {name: \"mine\"}) " + "{ apiToken { id } } }")
			.execute()
			.path("createToken.apiToken.id")
			.entity(String.class)
			.get();
		session.document("mutation($id: ID!) { revokeToken(input: {id: $id}) { id } }")
			.variable("id", othersId)
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((e) -> assertThat(e.getExtensions()).containsEntry("code", "TOKEN_NOT_FOUND")));
	}

	@Test
	void logoutRevokesTheSession() {
		String session = login("admin", ADMIN_PASSWORD);
		withToken(session).document("mutation { logout { revoked } }")
			.execute()
			.path("logout.revoked")
			.entity(Boolean.class)
			.isEqualTo(true);
		assertThat(graphQlStatus(session)).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void adminManagesUsersAndTheAdminCannotBeDeleted() {
		String user = newUser("managed");
		String session = login(user, "user-password");
		this.graphQl.document("{ users { username role } }")
			.execute()
			.path("users[*].username")
			.entityList(String.class)
			.contains("admin", user);

		this.graphQl
			.document("mutation($u: String!) { setUserPassword(input: {username: $u, password: "
					+ "\"another-password\"}) { user { username } } }")
			.variable("u", user)
			.executeAndVerify();
		assertThat(graphQlStatus(session)).as("sessions end when the admin sets a password")
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		String again = login(user, "another-password");

		this.graphQl.document("mutation { deleteUser(input: {username: \"admin\"}) { username } }")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((e) -> assertThat(e.getExtensions()).containsEntry("code", "ADMIN_PROTECTED")));
		this.graphQl.document("mutation($u: String!) { deleteUser(input: {username: $u}) { username } }")
			.variable("u", user)
			.executeAndVerify();
		assertThat(graphQlStatus(again)).as("a deleted user's sessions end").isEqualTo(HttpStatus.UNAUTHORIZED);
		this.graphQl
			.document("mutation { createUser(input: {username: \"Bad Name\", password: \"long-enough\"}) "
					+ "{ user { username } } }")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((e) -> assertThat(e.getExtensions()).containsEntry("code", "INVALID_INPUT")));
	}

	@Test
	void usersChangeTheirOwnPassword() {
		String user = newUser("self");
		HttpGraphQlTester session = as(user, "user-password");
		session
			.document("mutation { changePassword(input: {currentPassword: \"wrong-password\", newPassword: "
					+ "\"new-password\"}) { user { username } } }")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((e) -> assertThat(e.getExtensions()).containsEntry("code", "INVALID_CREDENTIALS")));
		session
			.document("mutation { changePassword(input: {currentPassword: \"user-password\", newPassword: "
					+ "\"new-password\"}) { user { username } } }")
			.executeAndVerify();
		login(user, "new-password");
	}

	@Test
	void forwardAuthAcceptsValidCookiesAndBearersOnly() {
		WebTestClient http = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
		String session = login("admin", ADMIN_PASSWORD);

		http.get().uri("/auth/verify").header("Authorization", "Bearer " + session).exchange().expectStatus().isOk();
		http.get().uri("/auth/verify").cookie("daeploy", session).exchange().expectStatus().isOk();
		http.get()
			.uri("/auth/verify")
			.header("Authorization", "Bearer not.a.token")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		// Traefik's question: the way back is the URL the browser asked for, the sign-in
		// page the dashboard's
		http.get()
			.uri("/auth/verify")
			.header("X-Forwarded-Proto", "http")
			.header("X-Forwarded-Host", "daeploy.example:5080")
			.header("X-Forwarded-Uri", "/services/model/predict?x=1")
			.exchange()
			.expectStatus()
			.isSeeOther()
			.expectHeader()
			.valueEquals("Location", "http://daeploy.example:" + this.proxy.dashboardPort()
					+ "/auth/login?destination=http://daeploy.example:5080/services/model/predict?x%3D1");

		withToken(session).document("mutation { logout { revoked } }").executeAndVerify();
		http.get()
			.uri("/auth/verify")
			.header("Authorization", "Bearer " + session)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		http.get().uri("/auth/verify").cookie("daeploy", session).exchange().expectStatus().isSeeOther();
	}

	@Test
	void formLoginSetsAHardenedCookieAndLogoutRevokesIt() {
		// the form lives on the dashboard's origin; a browser posts it with that origin
		String dashboard = "http://127.0.0.1:" + this.proxy.dashboardPort();
		WebTestClient http = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl(dashboard)
			.build();
		http.get().uri("/auth/login?destination=/services/x/").exchange().expectStatus().isUnauthorized();
		String cookie = http.post()
			.uri("/auth/login?destination=/services/x/")
			.header("Origin", dashboard)
			.contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("username=admin&password=" + ADMIN_PASSWORD)
			.exchange()
			.expectStatus()
			.isSeeOther()
			.expectHeader()
			.valueEquals("Location", "/services/x/")
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst("Set-Cookie");
		assertThat(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/");
		String token = cookie.substring("daeploy=".length(), cookie.indexOf(';'));
		WebTestClient manager = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
		manager.get().uri("/auth/verify").cookie("daeploy", token).exchange().expectStatus().isOk();

		http.post()
			.uri("/auth/login?destination=//evil.example/")
			.header("Origin", dashboard)
			.contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("username=admin&password=" + ADMIN_PASSWORD)
			.exchange()
			.expectHeader()
			.valueEquals("Location", "/");
		http.post()
			.uri("/auth/login")
			.header("Origin", dashboard)
			.contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("username=admin&password=wrong")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody(String.class)
			.value((html) -> assertThat(html).contains("Wrong user name or password"));

		http.post()
			.uri("/auth/logout")
			.header("Origin", dashboard)
			.cookie("daeploy", token)
			.contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
			.exchange()
			.expectStatus()
			.isSeeOther()
			.expectHeader()
			.value("Set-Cookie", (value) -> assertThat(value).contains("Max-Age=0"));
		manager.get().uri("/auth/verify").cookie("daeploy", token).exchange().expectStatus().isSeeOther();
	}

	@Test
	void servicesGetTheirOwnTokenWhichKillingRevokes() {
		WebTestClient http = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
		String name = unique("tokened");
		this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
		String token = List
			.of(this.docker.inspectContainerCmd(containerName(name, "1.0.0")).exec().getConfig().getEnv())
			.stream()
			.filter((entry) -> entry.startsWith("daeploy.auth="))
			.map((entry) -> entry.substring("daeploy.auth=".length()))
			.findFirst()
			.orElseThrow();
		http.get().uri("/auth/verify").header("Authorization", "Bearer " + token).exchange().expectStatus().isOk();
		withToken(token).document("{ me { name role tokenKind } }")
			.execute()
			.path("me")
			.entity(Map.class)
			.isEqualTo(Map.of("name", name + ":1.0.0", "role", "SERVICE", "tokenKind", "SERVICE"));

		this.graphQl.documentName("killService")
			.variable("input", Map.of("name", name, "version", "1.0.0"))
			.executeAndVerify();
		http.get()
			.uri("/auth/verify")
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void everyMutationIsAuditedWithoutSecrets(CapturedOutput output) {
		String user = newUser("audited");
		String session = login(user, "user-password");
		String apiToken = withToken(session).document("mutation { createToken(input: {name: \"audit\"}) { token } }")
			.execute()
			.path("createToken.token")
			.entity(String.class)
			.get();
		this.anonymous
			.document("mutation { login(input: {username: \"admin\", password: \"wrong-guess\"}) " + "{ token } }")
			.execute();

		List<Map> entries = this.graphQl
			.document("{ auditLog(first: 10) { entries { id at actor action arguments " + "outcome } hasMore } }")
			.execute()
			.path("auditLog.entries")
			.entityList(Map.class)
			.get();
		assertThat(entries).extracting((e) -> e.get("action") + " " + e.get("actor") + " " + e.get("outcome"))
			// a sign-in is recorded as the act of whom it names
			.startsWith("login admin INVALID_CREDENTIALS", "createToken " + user + " OK", "login " + user + " OK");
		assertThat(entries.get(0).get("arguments").toString()).contains("\"username\":\"admin\"")
			.contains("\"password\":\"***\"")
			.doesNotContain("wrong-guess");
		assertThat(entries.toString()).doesNotContain("user-password").doesNotContain(session).doesNotContain(apiToken);
		assertThat(output.getAll()).doesNotContain(session)
			.doesNotContain(apiToken)
			.doesNotContain("user-password")
			.doesNotContain("wrong-guess");

		this.graphQl.document("{ auditLog(first: 2) { entries { id } hasMore } }")
			.execute()
			.path("auditLog.hasMore")
			.entity(Boolean.class)
			.isEqualTo(true);
	}

	private String newUser(String prefix) {
		String username = (prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 6));
		this.graphQl
			.document("mutation($u: String!) { createUser(input: {username: $u, password: \"user-password\"}) "
					+ "{ user { username role } } }")
			.variable("u", username)
			.executeAndVerify();
		return username;
	}

	private HttpStatus graphQlStatus(String token) {
		return HttpStatus.valueOf(WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build()
			.post()
			.uri("/graphql")
			.header("Authorization", "Bearer " + token)
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", "{ me { name } }"))
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value());
	}

}
