package io.daeploy.manager.config;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original's {@code DAEPLOY_*} environment variables bind to {@code daeploy.*}.
 */
class DaeployPropertiesTests {

	@Test
	void bindsTheOriginalEnvironmentVariables() {
		DaeployProperties properties = bind(Map.of("DAEPLOY_HOST_NAME", "deploy.example.org", "DAEPLOY_PROXY_HTTP_PORT",
				"80", "DAEPLOY_PROXY_HTTPS_PORT", "443", "DAEPLOY_AUTH_ENABLED", "false", "DAEPLOY_DATA_DIR",
				"/srv/daeploy", "DAEPLOY_MANAGER_VERSION", "9.9.9", "DAEPLOY_MANAGER_IN_CONTAINER", "true"));
		assertThat(properties.hostName()).isEqualTo("deploy.example.org");
		assertThat(properties.proxy().httpPort()).isEqualTo(80);
		assertThat(properties.proxy().httpsPort()).isEqualTo(443);
		assertThat(properties.auth().enabled()).isFalse();
		assertThat(properties.dataDir()).isEqualTo(Path.of("/srv/daeploy"));
		assertThat(properties.managerVersion()).isEqualTo("9.9.9");
		assertThat(properties.managerInContainer()).isTrue();
		assertThat(properties.externalUrl()).isEqualTo("http://deploy.example.org");
	}

	@Test
	void defaults() {
		DaeployProperties properties = bind(Map.of());
		assertThat(properties.hostName()).isEqualTo("localhost");
		assertThat(properties.proxy().httpPort()).isEqualTo(5080);
		assertThat(properties.auth().enabled()).isTrue();
		assertThat(properties.docker().network()).isEqualTo("daeploy-network");
		assertThat(properties.instance()).isEqualTo("default");
		assertThat(properties.externalUrl()).isEqualTo("http://localhost:5080");
	}

	private static DaeployProperties bind(Map<String, Object> env) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					env));
		return new Binder(ConfigurationPropertySources.get(environment)).bindOrCreate("daeploy",
				DaeployProperties.class);
	}

}
