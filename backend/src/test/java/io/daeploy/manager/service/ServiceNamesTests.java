package io.daeploy.manager.service;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ServiceNamesTests {

	@ParameterizedTest
	@ValueSource(strings = { "model", "my_model", "my_model_123", "a", "9lives", "a_b_c" })
	void acceptsNames(String name) {
		assertThatCode(() -> ServiceNames.checkName("name", name)).doesNotThrowAnyException();
	}

	@ParameterizedTest
	@ValueSource(strings = { "My Model", "My.Model", "My-Model", "MYMODEL", "my/service", "", "//////", "service_",
			"_service", "_service_", "a\nb", "x`y", "x'y", "x\"y" })
	void rejectsNames(String name) {
		assertThatExceptionOfType(DaeployException.class).isThrownBy(() -> ServiceNames.checkName("name", name))
			.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_NAME));
	}

	@ParameterizedTest
	@ValueSource(strings = { "1.0.0", "0.1.0-rc.1", "10.20.30", "1.0.0-alpha-1", "1.0.0-0.3.7", "1.0.0-x.7.z.92" })
	void acceptsSemVer(String version) {
		assertThatCode(() -> ServiceNames.checkVersion("version", version)).doesNotThrowAnyException();
	}

	@ParameterizedTest
	@ValueSource(strings = { "1.0", "v1.0.0", "1.0.0.0", "01.0.0", "1.0.0-01", "1.0.0-", "1.0.0+meta", "" })
	void rejectsOtherVersions(String version) {
		assertThatExceptionOfType(DaeployException.class)
			.isThrownBy(() -> ServiceNames.checkVersion("version", version))
			.satisfies(
					(ex) -> org.assertj.core.api.Assertions.assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_VERSION));
	}

}
