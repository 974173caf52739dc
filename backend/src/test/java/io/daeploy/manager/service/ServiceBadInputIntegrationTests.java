package io.daeploy.manager.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.graphql.ResponseError;
import org.springframework.graphql.test.tester.GraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets a GraphQL error with a stable code and changes nothing: no row, no
 * container.
 */
class ServiceBadInputIntegrationTests extends ManagerIntegrationTests {

	private String existing;

	private List<Map> before;

	@BeforeEach
	void deployOne() {
		this.existing = unique("kept");
		deploy(Map.of("name", this.existing, "version", "1.0.0")).path("deployService.service.state")
			.entity(String.class)
			.isEqualTo("RUNNING");
		this.before = services();
	}

	@ParameterizedTest
	@ValueSource(strings = { "MyModel", "my-model", "my.model", "my model", "../etc", "a`b`", "_svc", "svc_", "",
			"my/service", "ÿ" })
	void rejectsInvalidNames(String name) {
		assertRejected(deploy(Map.of("name", name, "version", "1.0.0")), "INVALID_NAME", "input.name");
	}

	@Test
	void rejectsAVeryLongName() {
		assertRejected(deploy(Map.of("name", "a".repeat(300), "version", "1.0.0")), "INVALID_NAME", "input.name");
	}

	@ParameterizedTest
	@ValueSource(strings = { "1.0", "v1.0.0", "1.0.0.0", "01.0.0", "1.0.0-", "latest", "1.0.0+build.5", "1.0.0 ",
			"1.0.0-rc/1" })
	void rejectsNonSemVerVersions(String version) {
		assertRejected(deploy(Map.of("name", unique("v"), "version", version)), "INVALID_VERSION", "input.version");
	}

	@Test
	void rejectsAMissingImage() {
		assertRejected(deploy(Map.of("name", unique("noimage"), "version", "1.0.0", "image", "daeploy-test/absent:9")),
				"IMAGE_NOT_FOUND", "input.image");
	}

	@Test
	void rejectsADuplicateNameAndVersion() {
		assertRejected(deploy(Map.of("name", this.existing, "version", "1.0.0")), "SERVICE_EXISTS", null);
	}

	@Test
	void concurrentDeploysOfOneVersionStartOneContainer() {
		String name = unique("race");
		List<CompletableFuture<GraphQlTester.Response>> deploys = new ArrayList<>();
		IntStream.range(0, 6)
			.forEach((i) -> deploys
				.add(CompletableFuture.supplyAsync(() -> deploy(Map.of("name", name, "version", "1.0.0")))));
		List<String> outcomes = deploys.stream().map(CompletableFuture::join).map((response) -> {
			List<ResponseError> errors = new ArrayList<>();
			response.errors().satisfy(errors::addAll);
			return errors.isEmpty() ? "OK" : String.valueOf(errors.get(0).getExtensions().get("code"));
		}).toList();
		assertThat(outcomes).containsOnly("OK", "SERVICE_EXISTS");
		assertThat(outcomes).filteredOn("OK"::equals).hasSize(1);
		assertThat(testContainers()).filteredOn((c) -> c.getLabels().get("daeploy.name").equals(name)).hasSize(1);
	}

	@Test
	void rejectsReservedLabelsBadPortsVolumesAndLimits() {
		String name = unique("bad");
		assertRejected(
				deploy(Map.of("name", name, "version", "1.0.0", "labels",
						List.of(Map.of("key", "daeploy.name", "value", "other")))),
				"INVALID_INPUT", "input.labels[0].key");
		assertRejected(deploy(Map.of("name", name, "version", "1.0.0", "port", 70000)), "INVALID_INPUT", "input.port");
		assertRejected(
				deploy(Map.of("name", name, "version", "1.0.0", "volumes",
						List.of(Map.of("source", "data", "target", "relative")))),
				"INVALID_INPUT", "input.volumes[0].target");
		assertRejected(
				deploy(Map.of("name", name, "version", "1.0.0", "volumes",
						List.of(Map.of("source", "../x", "target", "/data")))),
				"INVALID_INPUT", "input.volumes[0].source");
		assertRejected(deploy(Map.of("name", name, "version", "1.0.0", "resources", Map.of("memoryMb", 1))),
				"INVALID_INPUT", "input.resources.memoryMb");
		assertRejected(
				deploy(Map.of("name", name, "version", "1.0.0", "env", List.of(Map.of("name", "A=B", "value", "x")))),
				"INVALID_INPUT", "input.env[0]");
		assertRejected(deploy(Map.of("name", name, "version", "1.0.0", "command", List.of())), "INVALID_INPUT",
				"input.command");
		assertRejected(deploy(Map.of("name", name, "version", "1.0.0", "image", "has space:1")), "INVALID_INPUT",
				"input.image");
	}

	@Test
	void rejectsMalformedRequestsWithACode() {
		GraphQlTester.Response response = this.graphQl
			.document("mutation { deployService(input: {name: \"x\", version: 1}) { service { name } } }")
			.execute();
		response.errors().satisfy((errors) -> {
			assertThat(errors).isNotEmpty();
			assertThat(errors)
				.allSatisfy((error) -> assertThat(error.getExtensions()).containsEntry("code", "INVALID_INPUT"));
		});
		assertThat(services()).isEqualTo(this.before);
	}

	@Test
	void killingAnUnknownServiceIsAnError() {
		GraphQlTester.Response response = this.graphQl.documentName("killService")
			.variable("input", Map.of("name", unique("nobody"), "version", "1.0.0"))
			.execute();
		assertRejected(response, "SERVICE_NOT_FOUND", null);
		assertRejected(this.graphQl.documentName("killService")
			.variable("input", Map.of("name", "../../etc", "version", "1.0.0"))
			.execute(), "INVALID_NAME", "input.name");
	}

	private void assertRejected(GraphQlTester.Response response, String code, String field) {
		response.errors().satisfy((errors) -> {
			assertThat(errors).hasSize(1);
			ResponseError error = errors.get(0);
			assertThat(error.getExtensions()).containsEntry("code", code);
			if (field != null) {
				assertThat(error.getExtensions()).containsEntry("field", field);
			}
			assertThat(error.getMessage()).isNotBlank();
		});
		assertThat(services()).isEqualTo(this.before);
		assertThat(testContainers()).hasSize(this.before.size());
	}

	private GraphQlTester.Response deploy(Map<String, Object> fields) {
		Map<String, Object> input = new HashMap<>(
				Map.of("image", TestImages.BUSYBOX, "labels", List.of(Map.of("key", "test.daeploy", "value", "true"))));
		input.putAll(fields);
		return this.graphQl.documentName("deployService").variable("input", input).execute();
	}

	private List<Map> services() {
		return this.graphQl.documentName("services").execute().path("services").entityList(Map.class).get();
	}

}
