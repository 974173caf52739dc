package io.daeploy.manager.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.graphql.ResponseError;
import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles mean what they say: a USER deploys services but is not root on the host (no host
 * paths outside the allowed ones, never the Docker socket), secrets stay secret, the
 * manager's log and its own name are the admin's and the manager's.
 */
class RolesIntegrationTests extends ManagerIntegrationTests {

	private static final Path ALLOWED;

	static {
		try {
			ALLOWED = Files.createTempDirectory("daeploy-allowed-").toRealPath();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@DynamicPropertySource
	static void allowedHostPaths(DynamicPropertyRegistry registry) {
		registry.add("daeploy.allowed-host-paths", ALLOWED::toString);
	}

	private HttpGraphQlTester user;

	@BeforeEach
	void user() {
		String name = unique("user").replace('_', '-');
		this.graphQl
			.document("mutation($u: String!) { createUser(input: {username: $u, password: \"user-password\"}) "
					+ "{ user { username } } }")
			.variable("u", name)
			.executeAndVerify();
		this.user = as(name, "user-password");
	}

	@Test
	void aUserMountsNoHostPathButTheAllowedOnes() throws IOException {
		Path outside = Files.createTempDirectory("daeploy-outside-");
		Path link = Files.createSymbolicLink(ALLOWED.resolve("escape-" + System.nanoTime()), Path.of("/etc"));
		List<String> refused = new ArrayList<>();
		for (String source : List.of("/", "/etc", "/var/run/docker.sock", "/run/docker.sock", outside.toString(),
				ALLOWED + "/../etc", link.toString())) {
			refused.add(code(deploy(this.user, unique("mount"), Map.of("source", source, "target", "/host"))));
		}
		assertThat(refused).containsOnly("FORBIDDEN:input.volumes[0].source");
		// named volumes and the allowed host paths are fine
		assertThat(code(
				deploy(this.user, unique("named"), Map.of("source", "data-" + System.nanoTime(), "target", "/data"))))
			.isEqualTo("OK");
		Files.createDirectories(ALLOWED.resolve("models"));
		assertThat(code(deploy(this.user, unique("allowed"),
				Map.of("source", ALLOWED.resolve("models").toString(), "target", "/models", "readOnly", true))))
			.isEqualTo("OK");
		// an admin may mount any host path, at their own risk
		assertThat(code(deploy(this.graphQl, unique("admin"), Map.of("source", outside.toString(), "target", "/host"))))
			.isEqualTo("OK");
	}

	@Test
	void secretValuesReachTheContainerButNoOneSeesThem() {
		String name = unique("secret");
		this.user.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "env",
							List.of(Map.of("name", "API_KEY", "value", "s3cr3t-value", "secret", true),
									Map.of("name", "MODE", "value", "plain")),
							"labels", List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
		List<Map> env = this.user.documentName("serviceInspection")
			.variable("name", name)
			.variable("version", "1.0.0")
			.execute()
			.path("service.inspection.env")
			.entityList(Map.class)
			.get();
		assertThat(env).contains(Map.of("name", "API_KEY", "value", "********", "secret", true),
				Map.of("name", "MODE", "value", "plain", "secret", false));
		assertThat(env).filteredOn((variable) -> "daeploy.auth".equals(variable.get("name")))
			.singleElement()
			.satisfies((variable) -> assertThat(variable).containsEntry("value", "********"));
		// the container has it all the same
		assertThat(this.docker.inspectContainerCmd(containerName(name, "1.0.0")).exec().getConfig().getEnv())
			.contains("API_KEY=s3cr3t-value");
		// and the audit log does not
		String audit = this.graphQl.document("{ auditLog(first: 20) { entries { action arguments } } }")
			.execute()
			.path("auditLog.entries")
			.entityList(Map.class)
			.get()
			.toString();
		assertThat(audit).contains("deployService").contains("API_KEY").contains("plain").doesNotContain("s3cr3t");
	}

	@Test
	void theManagersLogNameAndLabelsAreTheManagers() {
		GraphQlTester.Response logs = this.user.document("{ managerLogs(tail: 5) { line } }").execute();
		assertThat(code(logs)).isEqualTo("FORBIDDEN:null");
		assertThat(code(this.graphQl.document("{ managerLogs(tail: 5) { line } }").execute())).isEqualTo("OK");

		assertThat(code(this.user.documentName("deployService")
			.variable("input", Map.of("name", "manager", "version", "1.0.0", "image", TestImages.BUSYBOX))
			.execute())).isEqualTo("INVALID_NAME:input.name");
		assertThat(code(this.user.documentName("deployService")
			.variable("input",
					Map.of("name", unique("label"), "version", "1.0.0", "image", TestImages.BUSYBOX, "labels",
							List.of(Map.of("key", "Daeploy.Anything", "value", "x"))))
			.execute())).isEqualTo("INVALID_INPUT:input.labels[0].key");
		assertThat(code(this.user
			.document("mutation { raiseNotification(input: {serviceName: \"manager\", message: \"fake\"}) "
					+ "{ notification { id } } }")
			.execute())).isEqualTo("FORBIDDEN:input.serviceName");
	}

	private static GraphQlTester.Response deploy(HttpGraphQlTester as, String name, Map<String, Object> volume) {
		return as.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "volumes", List.of(volume),
							"labels", List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.execute();
	}

	/**
	 * {@code OK}, or the first error's {@code code:field}.
	 */
	private static String code(GraphQlTester.Response response) {
		List<ResponseError> errors = new ArrayList<>();
		response.errors().satisfy(errors::addAll);
		return errors.isEmpty() ? "OK"
				: errors.get(0).getExtensions().get("code") + ":" + errors.get(0).getExtensions().get("field");
	}

}
