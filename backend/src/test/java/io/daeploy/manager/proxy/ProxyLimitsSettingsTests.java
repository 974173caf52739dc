package io.daeploy.manager.proxy;

import java.time.Duration;
import java.util.Map;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded proxy's limits are {@code DAEPLOY_PROXY_*} settings, and their defaults
 * are the proxy's own.
 */
class ProxyLimitsSettingsTests {

	@Test
	void theDefaultsAreTheProxysDefaults() {
		DaeployProperties.Proxy proxy = bind(Map.of()).proxy();
		assertThat(ProxyConfiguration.limits(proxy)).isEqualTo(EmbeddedProxy.Limits.DEFAULTS);
		DaeployProperties.Proxy positional = new DaeployProperties.Proxy(5080, 5443, 5081, false, "auto", null,
				DataSize.ofMegabytes(1), Duration.ofSeconds(10));
		assertThat(positional).isEqualTo(proxy);
	}

	@Test
	void everyLimitIsAnEnvironmentVariable() {
		DaeployProperties.Proxy proxy = bind(Map.of("DAEPLOY_PROXY_MAX_CONNECTIONS", "100",
				"DAEPLOY_PROXY_MAX_CONNECTIONS_PER_CLIENT", "10", "DAEPLOY_PROXY_MAX_PIPELINED", "4",
				"DAEPLOY_PROXY_MAX_HEADER_SIZE", "32KB", "DAEPLOY_PROXY_MAX_REQUEST_LINE", "2KB",
				"DAEPLOY_PROXY_HEADER_TIMEOUT", "5s", "DAEPLOY_PROXY_BODY_TIMEOUT", "20s", "DAEPLOY_PROXY_IDLE_TIMEOUT",
				"2m", "DAEPLOY_PROXY_SEND_TIMEOUT", "90s"))
			.proxy();
		assertThat(ProxyConfiguration.limits(proxy)).isEqualTo(new EmbeddedProxy.Limits(100, 10, 4, 32 * 1024, 2048,
				Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofMinutes(2), Duration.ofSeconds(90)));
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
