package io.daeploy.manager.audit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.proxy.ProxyConnector;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mutation is in the audit log, however the document is written (fragments,
 * aliases, variables, several at once), REST ones too, under who did it, and with no
 * secret in it.
 */
class AuditIntegrationTests extends ManagerIntegrationTests {

	@Autowired
	ProxyConnector proxy;

	@Test
	void mutationsInFragmentsAliasesAndVariablesAreAllRecorded() {
		String name = unique("frag");
		this.graphQl.document("""
				mutation Both($name: String!) {
				  ...Tokens
				  second: createToken(input: {name: $name}) { token }
				}
				fragment Tokens on Mutation {
				  first: createToken(input: {name: "from-a-fragment"}) { token }
				  ... on Mutation { third: createToken(input: {name: "inline"}) { token } }
				}
				""").variable("name", name).executeAndVerify();
		List<Map> entries = entries(10);
		assertThat(entries).filteredOn((entry) -> "createToken".equals(entry.get("action")))
			.extracting((entry) -> (String) entry.get("arguments"))
			.anySatisfy((arguments) -> assertThat(arguments).contains("from-a-fragment"))
			.anySatisfy((arguments) -> assertThat(arguments).contains("inline"))
			.anySatisfy((arguments) -> assertThat(arguments).contains(name));
		// tokens the payloads carried never reach the log
		assertThat(entries.toString()).doesNotContain("eyJ");
	}

	@Test
	void aSignInIsTheSignedInUsersActAndPasswordsStayOut() throws Exception {
		this.anonymous
			.document(
					"mutation { login(input: {username: \"admin\", password: \"" + ADMIN_PASSWORD + "\"}) { token } }")
			.executeAndVerify();
		Map<String, Object> login = entries(5).stream()
			.filter((entry) -> "login".equals(entry.get("action")))
			.findFirst()
			.orElseThrow();
		assertThat(login).containsEntry("actor", "admin").containsEntry("outcome", "OK");
		assertThat((String) login.get("arguments")).doesNotContain(ADMIN_PASSWORD).contains("***");

		// the dashboard's sign-in form is a REST mutation, recorded the same way
		String dashboard = "http://127.0.0.1:" + this.proxy.dashboardPort();
		HttpResponse<String> form = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(dashboard + "/auth/login"))
				.header("Content-Type", "application/json")
				.header("Origin", dashboard)
				.POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"wrong-one\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(form.statusCode()).isEqualTo(401);
		Map<String, Object> rest = entries(5).stream()
			.filter((entry) -> "POST /auth/login".equals(entry.get("action")))
			.findFirst()
			.orElseThrow();
		assertThat(rest).containsEntry("actor", "admin").containsEntry("outcome", "HTTP 401");
		assertThat(rest.toString()).doesNotContain("wrong-one");
	}

	@Test
	void aRefusedMutationIsRecordedWithItsCode() {
		this.graphQl.document("mutation { deleteUser(input: {username: \"admin\"}) { username } }").execute();
		assertThat(entries(5)).filteredOn((entry) -> "deleteUser".equals(entry.get("action")))
			.first()
			.satisfies((entry) -> assertThat(entry).containsEntry("outcome", "ADMIN_PROTECTED"));
	}

	private List<Map> entries(int first) {
		return this.graphQl
			.document("{ auditLog(first: " + first + ") { entries { actor action arguments outcome } } }")
			.execute()
			.path("auditLog.entries")
			.entityList(Map.class)
			.get();
	}

}
