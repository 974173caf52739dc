package io.daeploy.manager.service;

import java.util.List;
import java.util.Set;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every deploy rule, without a store or a runtime: what passes becomes the stored
 * options, and what fails names its field plainly, as the domain does (the GraphQL
 * adapter adds {@code input.}).
 */
class ServiceValidatorTests {

	private final ServiceValidator validator = new ServiceValidator(Set.of("daeploy.name", "daeploy.type"));

	@Test
	void aCompleteRequestBecomesTheStoredOptions() {
		DeploySpec spec = this.validator.validate(
				new DeployRequest("model", "1.0.0", "model:1.0.0", 8080, List.of(new DeployRequest.EnvVar("A", "1")),
						List.of("python", "service.py"), List.of(new DeployRequest.Volume("data", "/data", true)),
						List.of(new DeployRequest.Label("team", "ml")), RestartPolicy.ALWAYS,
						new DeployRequest.Resources(64, 0.5)));
		assertThat(spec.env()).containsExactly(new DeployRequest.EnvVar("A", "1"));
		assertThat(spec.command()).containsExactly("python", "service.py");
		assertThat(spec.volumes()).containsExactly(new DeployRequest.Volume("data", "/data", true));
		assertThat(spec.labels()).containsExactly(new DeployRequest.Label("team", "ml"));
		assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
		assertThat(spec.memoryBytes()).isEqualTo(64L * 1024 * 1024);
		assertThat(spec.nanoCpus()).isEqualTo(500_000_000L);
	}

	@Test
	void aMinimalRequestGetsTheDefaults() {
		DeploySpec spec = this.validator.validate(request("image:1", null));
		assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.UNLESS_STOPPED);
		assertThat(spec.env()).isEmpty();
		assertThat(spec.command()).isNull();
		assertThat(spec.memoryBytes()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "with space", "tab\tbed", "nul\u0000" })
	void badImagesNameTheImage(String image) {
		assertInvalid(request(image, null), ErrorCode.INVALID_INPUT, "image");
	}

	@Test
	void eachFieldIsNamedPlainly() {
		assertInvalid(new DeployRequest("Bad Name", "1.0.0", "i", null, null, null, null, null, null, null),
				ErrorCode.INVALID_NAME, "name");
		assertInvalid(new DeployRequest("ok", "1.0", "i", null, null, null, null, null, null, null),
				ErrorCode.INVALID_VERSION, "version");
		assertInvalid(request("i", 0), ErrorCode.INVALID_INPUT, "port");
		assertInvalid(request("i", 65536), ErrorCode.INVALID_INPUT, "port");
		assertInvalid(new DeployRequest("ok", "1.0.0", "i", null,
				List.of(new DeployRequest.EnvVar("A", "1"), new DeployRequest.EnvVar("B=C", "2")), null, null, null,
				null, null), ErrorCode.INVALID_INPUT, "env[1]");
		assertInvalid(new DeployRequest("ok", "1.0.0", "i", null, null, List.of(), null, null, null, null),
				ErrorCode.INVALID_INPUT, "command");
		assertInvalid(
				new DeployRequest("ok", "1.0.0", "i", null, null, null,
						List.of(new DeployRequest.Volume("data", "relative", false)), null, null, null),
				ErrorCode.INVALID_INPUT, "volumes[0].target");
		assertInvalid(
				new DeployRequest("ok", "1.0.0", "i", null, null, null,
						List.of(new DeployRequest.Volume("../up", "/data", false)), null, null, null),
				ErrorCode.INVALID_INPUT, "volumes[0].source");
		assertInvalid(
				new DeployRequest("ok", "1.0.0", "i", null, null, null, null,
						List.of(new DeployRequest.Label("daeploy.name", "x")), null, null),
				ErrorCode.INVALID_INPUT, "labels[0].key");
		assertInvalid(new DeployRequest("ok", "1.0.0", "i", null, null, null, null, null, null,
				new DeployRequest.Resources(5, null)), ErrorCode.INVALID_INPUT, "resources.memoryMb");
		assertInvalid(new DeployRequest("ok", "1.0.0", "i", null, null, null, null, null, null,
				new DeployRequest.Resources(null, Double.NaN)), ErrorCode.INVALID_INPUT, "resources.cpus");
	}

	private static DeployRequest request(String image, Integer port) {
		return new DeployRequest("ok", "1.0.0", image, port, null, null, null, null, null, null);
	}

	private void assertInvalid(DeployRequest request, ErrorCode code, String field) {
		assertThatExceptionOfType(DaeployException.class).isThrownBy(() -> this.validator.validate(request))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(code);
				assertThat(ex.field()).isEqualTo(field);
			});
	}

}
