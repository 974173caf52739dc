package io.daeploy.manager.service;

import java.time.Duration;
import java.util.Set;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A deploy's image must be a reference in Docker's grammar, checked before the runtime is
 * asked. Found by the hostile-input suite: {@code ../../etc/passwd:1} passed the check
 * (anything without spaces did), and the Docker client's own parser then threw, which the
 * caller saw as {@code INTERNAL}.
 */
class ImageReferenceTests {

	private final ServiceValidator validator = new ServiceValidator(Set.of());

	@ParameterizedTest
	@ValueSource(strings = { "busybox", "busybox:1", "daeploy-test/busybox:1", "my_model:1.0.0",
			"registry.example.com:5000/team/model:v1.2-rc.3", "Registry.Example/x", "a__b/c-d---e.f:latest",
			"model@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "0123456789ab" })
	void referencesPass(String image) {
		this.validator.validate(request(image));
	}

	@ParameterizedTest
	@ValueSource(strings = { "../../etc/passwd:1", "UPPER:1", "a/../b", "/abs", "a:", "a:-x", "a::1", ":1", "a//b",
			"a@sha256:xyz", "a b", "é", "a:1:2", "-a", "a_", "a@" })
	void othersAreInvalidInput(String image) {
		assertThatExceptionOfType(DaeployException.class).isThrownBy(() -> this.validator.validate(request(image)))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_INPUT);
				assertThat(ex.field()).isEqualTo("image");
			});
	}

	@Test
	void aHostileReferenceIsCheckedQuickly() {
		for (String image : new String[] { "a".repeat(254) + "!", "a-".repeat(127) + "!", "a.".repeat(127) + "!",
				"a-a".repeat(80) + "/", "aa.".repeat(84) + ":" }) {
			assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertThatExceptionOfType(DaeployException.class)
				.isThrownBy(() -> this.validator.validate(request(image))));
		}
	}

	private static DeployRequest request(String image) {
		return new DeployRequest("model", "1.0.0", image, null, null, null, null, null, null, null);
	}

}
