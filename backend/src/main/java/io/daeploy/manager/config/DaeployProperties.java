package io.daeploy.manager.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code daeploy.*} setting. Environment variables bind by Spring's relaxed rules,
 * so {@code DAEPLOY_HOST_NAME} sets {@code hostName} and {@code DAEPLOY_PROXY_HTTP_PORT}
 * sets {@code proxy.httpPort}. README lists them all with their defaults.
 *
 * @param dataDir directory of the SQLite file and generated files
 * ({@code DAEPLOY_DATA_DIR})
 * @param hostName host name users and services reach the manager by
 * ({@code DAEPLOY_HOST_NAME})
 * @param managerVersion version reported to clients; defaults to the build's version
 * ({@code DAEPLOY_MANAGER_VERSION})
 * @param managerInContainer whether the manager itself runs in a container on
 * {@code daeploy-network} ({@code DAEPLOY_MANAGER_IN_CONTAINER})
 * @param adminPassword the admin's password: set on first start, and reset to this at any
 * start where it differs ({@code DAEPLOY_ADMIN_PASSWORD}); when unset on first start a
 * random one is generated and logged once
 * @param instance label value that scopes the containers of this manager, so two managers
 * (or a test run) can share one engine ({@code DAEPLOY_INSTANCE})
 * @param auth authentication settings
 * @param proxy proxy settings
 * @param docker Docker engine settings
 * @param traefikBin the Traefik binary to run; when unset, {@code traefik} is looked up
 * on {@code PATH} ({@code DAEPLOY_TRAEFIK_BIN})
 */
@ConfigurationProperties("daeploy")
public record DaeployProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("localhost") String hostName,
		String managerVersion, @DefaultValue("false") boolean managerInContainer, String adminPassword,
		@DefaultValue("default") String instance, @DefaultValue Auth auth, @DefaultValue Proxy proxy,
		@DefaultValue Docker docker, String traefikBin) {

	/**
	 * Authentication settings.
	 *
	 * @param enabled whether tokens are required ({@code DAEPLOY_AUTH_ENABLED})
	 * @param loginMaxFailures failed logins per user name or address before further
	 * attempts are refused for a while ({@code DAEPLOY_AUTH_LOGIN_MAX_FAILURES})
	 * @param loginLockout the first lockout; it doubles with each further failure, up to
	 * 15 minutes ({@code DAEPLOY_AUTH_LOGIN_LOCKOUT})
	 */
	public record Auth(@DefaultValue("true") boolean enabled, @DefaultValue("5") int loginMaxFailures,
			@DefaultValue("2s") Duration loginLockout) {
	}

	/**
	 * Proxy settings.
	 *
	 * @param httpPort port users reach services and the manager on
	 * ({@code DAEPLOY_PROXY_HTTP_PORT})
	 * @param httpsPort HTTPS port ({@code DAEPLOY_PROXY_HTTPS_PORT})
	 * @param https whether HTTPS is served ({@code DAEPLOY_PROXY_HTTPS})
	 * @param mode which proxy serves the proxy port: {@code auto} (Traefik when its
	 * binary is found, else the embedded proxy), {@code traefik} or {@code embedded}
	 * ({@code DAEPLOY_PROXY_MODE}, or {@code DAEPLOY_PROXY} as in the design notes)
	 * @param address the address the embedded proxy listens on
	 * ({@code DAEPLOY_PROXY_ADDRESS})
	 * @param mirrorMaxBody requests with larger bodies are not mirrored to shadows, as
	 * Traefik's {@code maxBodySize} ({@code DAEPLOY_PROXY_MIRROR_MAX_BODY})
	 * @param shadowTimeout how long a mirrored request may take before the shadow's
	 * answer is abandoned ({@code DAEPLOY_PROXY_SHADOW_TIMEOUT})
	 */
	public record Proxy(@DefaultValue("5080") int httpPort, @DefaultValue("5443") int httpsPort,
			@DefaultValue("false") boolean https, @DefaultValue("auto") String mode,
			@DefaultValue("0.0.0.0") String address, @DefaultValue("1MB") DataSize mirrorMaxBody,
			@DefaultValue("10s") Duration shadowTimeout) {
	}

	/**
	 * Docker engine settings.
	 *
	 * @param host the engine's address; defaults to {@code DOCKER_HOST} or the local
	 * socket ({@code DAEPLOY_DOCKER_HOST})
	 * @param network the bridge network services join ({@code DAEPLOY_DOCKER_NETWORK})
	 */
	public record Docker(String host, @DefaultValue("daeploy-network") String network) {
	}

	/**
	 * The URL users reach the manager's proxy on.
	 * @return e.g. {@code http://localhost:5080}
	 */
	public String externalUrl() {
		return externalUrl(this.proxy.httpPort());
	}

	/**
	 * The URL users reach the manager's proxy on, given the port it listens on.
	 * @param httpPort the proxy's HTTP port as bound
	 * @return e.g. {@code http://localhost:5080}
	 */
	public String externalUrl(int httpPort) {
		if (this.proxy.https()) {
			return "https://" + this.hostName + ((this.proxy.httpsPort() != 443) ? ":" + this.proxy.httpsPort() : "");
		}
		return "http://" + this.hostName + ((httpPort != 80) ? ":" + httpPort : "");
	}

}
