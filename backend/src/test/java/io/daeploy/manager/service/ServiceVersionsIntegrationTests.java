package io.daeploy.manager.service;

import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.Test;

import org.springframework.graphql.test.tester.GraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Main and shadow versions: switching main, and the rule that a main with shadows is
 * killed only when the kill names its successor.
 */
class ServiceVersionsIntegrationTests extends ManagerIntegrationTests {

	@Test
	void assignMainVersionSwitchesMainInOneStep() {
		String name = unique("switch");
		deploy(name, "1.0.0");
		deploy(name, "2.0.0");

		Map<String, Object> change = this.graphQl
			.document("mutation($n: String!) { assignMainVersion(input: {name: $n, version: \"2.0.0\"}) "
					+ "{ main { version main state } previousMain { version main } } }")
			.variable("n", name)
			.execute()
			.path("assignMainVersion")
			.entity(Map.class)
			.get();
		assertThat(change.get("main")).isEqualTo(Map.of("version", "2.0.0", "main", true, "state", "RUNNING"));
		assertThat(change.get("previousMain")).isEqualTo(Map.of("version", "1.0.0", "main", false));
		assertThat(mains(name)).containsExactly(false, true);

		this.graphQl
			.document("mutation($n: String!) { assignMainVersion(input: {name: $n, version: \"2.0.0\"}) "
					+ "{ previousMain { version } } }")
			.variable("n", name)
			.execute()
			.path("assignMainVersion.previousMain")
			.valueIsNull();
		assertError(this.graphQl
			.document("mutation($n: String!) { assignMainVersion(input: {name: $n, version: "
					+ "\"9.9.9\"}) { main { version } } }")
			.variable("n", name)
			.execute(), "SERVICE_NOT_FOUND");
		assertThat(mains(name)).containsExactly(false, true);
	}

	@Test
	void theMainIsKilledOnlyWithASuccessorWhileShadowsRun() {
		String name = unique("succession");
		deploy(name, "1.0.0");
		deploy(name, "1.1.0");
		deploy(name, "1.2.0");

		assertError(kill(name, "1.0.0", null), "MAIN_HAS_SHADOWS");
		assertError(kill(name, "1.0.0", "7.0.0"), "INVALID_INPUT");
		assertThat(mains(name)).containsExactly(true, false, false);
		assertThat(testContainers()).hasSize(3);

		kill(name, "1.1.0", null).path("killService.name").entity(String.class).isEqualTo(name);
		kill(name, "1.0.0", "1.2.0").path("killService.version").entity(String.class).isEqualTo("1.0.0");
		assertThat(mains(name)).containsExactly(true);
		kill(name, "1.2.0", null).path("killService.version").entity(String.class).isEqualTo("1.2.0");
		assertThat(mains(name)).isEmpty();
	}

	private GraphQlTester.Response kill(String name, String version, String newMain) {
		return this.graphQl
			.document("mutation($n: String!, $v: String!, $m: String) { killService(input: {name: $n, version: $v, "
					+ "newMain: $m}) { name version } }")
			.variable("n", name)
			.variable("v", version)
			.variable("m", newMain)
			.execute();
	}

	private void deploy(String name, String version) {
		this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", version, "image", TestImages.BUSYBOX, "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
	}

	private List<Boolean> mains(String name) {
		return this.graphQl.document("query($n: String!) { services(name: $n) { main } }")
			.variable("n", name)
			.execute()
			.path("services[*].main")
			.entityList(Boolean.class)
			.get();
	}

	private static void assertError(GraphQlTester.Response response, String code) {
		response.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", code)));
	}

}
