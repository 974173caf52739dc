package io.daeploy.manager.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
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
 * @param notification e-mail and webhook delivery of notifications
 * @param config the original's {@code DAEPLOY_CONFIG_*} settings
 * @param allowedHostPaths host directories users (not only admins) may mount into their
 * services, with what is below them; empty: only admins mount host paths
 * ({@code DAEPLOY_ALLOWED_HOST_PATHS}, comma-separated)
 * @param queryBudget what one GraphQL query may cost: a field 1, an engine call 100, a
 * list multiplies by its length; above it the query is refused before it runs
 * ({@code DAEPLOY_QUERY_BUDGET})
 * @param allowedHosts with auth off, host names the manager answers besides
 * {@code hostName} and loopback ({@code DAEPLOY_ALLOWED_HOSTS}, comma-separated)
 * @param backup snapshots of the store
 * @param s2i the Source-to-Image builder of deploys from source
 * @param maxUploadMb the largest upload, in MiB, cut off while it streams; also bounds
 * what an uploaded archive or a git checkout may unpack to
 * ({@code DAEPLOY_MAX_UPLOAD_MB})
 * @param maxPickleMb the largest pickled model a pickle deploy accepts, in MiB: the
 * service loads it whole into memory ({@code DAEPLOY_MAX_PICKLE_MB})
 * @param buildTimeout how long one build (source, builder, assemble, commit) may take
 * ({@code DAEPLOY_BUILD_TIMEOUT})
 * @param maxConcurrentBuilds how many builds run at once; the rest queue in order
 * ({@code DAEPLOY_MAX_CONCURRENT_BUILDS})
 * @param imageRetention how many built images are kept per service, so that a previous
 * version can be deployed again at once ({@code DAEPLOY_IMAGE_RETENTION})
 * @param acme where the embedded proxy's HTTPS certificate comes from
 */
@ConfigurationProperties("daeploy")
public record DaeployProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("localhost") String hostName,
		String managerVersion, @DefaultValue("false") boolean managerInContainer, String adminPassword,
		@DefaultValue("default") String instance, @DefaultValue Auth auth, @DefaultValue Proxy proxy,
		@DefaultValue Docker docker, String traefikBin, @DefaultValue Notification notification,
		@DefaultValue Config config, @DefaultValue List<Path> allowedHostPaths, @DefaultValue("10000") int queryBudget,
		@DefaultValue List<String> allowedHosts, @DefaultValue Backup backup, @DefaultValue S2i s2i,
		@DefaultValue("1024") int maxUploadMb, @DefaultValue("256") int maxPickleMb,
		@DefaultValue("30m") Duration buildTimeout, @DefaultValue("2") int maxConcurrentBuilds,
		@DefaultValue("3") int imageRetention, @DefaultValue Acme acme) {

	/** Let's Encrypt's directory, as acme4j names it. */
	public static final String LETS_ENCRYPT = "acme://letsencrypt.org";

	/** Let's Encrypt's staging directory, as acme4j names it. */
	public static final String LETS_ENCRYPT_STAGING = "acme://letsencrypt.org/staging";

	/**
	 * Where the embedded proxy's certificate comes from when {@code DAEPLOY_PROXY_HTTPS}
	 * is on (in Traefik mode Traefik does ACME itself, with the same server and e-mail).
	 *
	 * @param server the ACME directory: an {@code https} URL or an acme4j {@code acme://}
	 * URI; unset: Let's Encrypt, or its staging CA with {@code staging}
	 * ({@code DAEPLOY_ACME_SERVER})
	 * @param staging use Let's Encrypt's staging CA; the original's
	 * {@code DAEPLOY_HTTPS_STAGING_SERVER} sets it too ({@code DAEPLOY_ACME_STAGING})
	 * @param email the ACME account's contact; unset: {@code DAEPLOY_CONFIG_EMAIL}, as
	 * the original ({@code DAEPLOY_ACME_EMAIL})
	 * @param caCertificate a PEM file of the certificates that alone are trusted for an
	 * {@code https} ACME server, such as a private CA's root; unset: the JDK's trust
	 * store ({@code DAEPLOY_ACME_CA_CERTIFICATE})
	 * @param renewBefore a certificate is renewed when it expires within this
	 * ({@code DAEPLOY_ACME_RENEW_BEFORE})
	 * @param checkInterval how often the expiry is checked
	 * ({@code DAEPLOY_ACME_CHECK_INTERVAL})
	 */
	public record Acme(String server, @DefaultValue("false") boolean staging, String email, Path caCertificate,
			@DefaultValue("30d") Duration renewBefore, @DefaultValue("12h") Duration checkInterval) {

		/** The defaults. */
		public static final Acme DEFAULT = new Acme(null, false, null, null, Duration.ofDays(30), Duration.ofHours(12));

		/**
		 * The ACME directory in use.
		 * @param legacyStaging the original's {@code DAEPLOY_HTTPS_STAGING_SERVER}
		 * @return {@link #server}, else Let's Encrypt's production or staging directory
		 */
		public String directory(boolean legacyStaging) {
			if (this.server != null && !this.server.isBlank()) {
				return this.server.strip();
			}
			return (this.staging || legacyStaging) ? LETS_ENCRYPT_STAGING : LETS_ENCRYPT;
		}

	}

	/**
	 * The Source-to-Image builder of deploys from source.
	 *
	 * @param builder the default builder image; when it is not on the engine and cannot
	 * be pulled, the manager builds its own Python builder as this image
	 * ({@code DAEPLOY_S2I_BUILDER})
	 * @param pythonBase the base image the manager's own Python builder is built on
	 * ({@code DAEPLOY_S2I_PYTHON_BASE})
	 */
	public record S2i(@DefaultValue("daeploy/s2i-python") String builder,
			@DefaultValue("python:3.12-slim") String pythonBase) {

		/** The defaults. */
		public static final S2i DEFAULT = new S2i("daeploy/s2i-python", "python:3.12-slim");

	}

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
	 * Snapshots of the store, in {@code <dataDir>/backups/}.
	 *
	 * @param interval how often one is taken; zero: never on a schedule
	 * ({@code DAEPLOY_BACKUP_INTERVAL})
	 * @param keep how many are kept, newest first ({@code DAEPLOY_BACKUP_KEEP})
	 */
	public record Backup(@DefaultValue("24h") Duration interval, @DefaultValue("7") int keep) {
	}

	/**
	 * Proxy settings.
	 *
	 * @param httpPort port users reach services on, and API clients the manager
	 * ({@code DAEPLOY_PROXY_HTTP_PORT})
	 * @param httpsPort HTTPS port ({@code DAEPLOY_PROXY_HTTPS_PORT})
	 * @param dashboardPort port of the dashboard's own origin: the SPA, GraphiQL, sign-in
	 * and the browser session; services are never served there, so no service's page
	 * shares an origin with the dashboard ({@code DAEPLOY_PROXY_DASHBOARD_PORT})
	 * @param https whether HTTPS is served ({@code DAEPLOY_PROXY_HTTPS})
	 * @param mode which proxy serves the proxy port: {@code auto} (Traefik when its
	 * binary is found, else the embedded proxy), {@code traefik} or {@code embedded}
	 * ({@code DAEPLOY_PROXY_MODE}, or {@code DAEPLOY_PROXY} as in the design notes)
	 * @param address the address the embedded proxy listens on; unset: all addresses with
	 * auth on, loopback only with auth off ({@code DAEPLOY_PROXY_ADDRESS})
	 * @param mirrorMaxBody requests with larger bodies are not mirrored to shadows, as
	 * Traefik's {@code maxBodySize} ({@code DAEPLOY_PROXY_MIRROR_MAX_BODY})
	 * @param shadowTimeout how long a mirrored request may take before the shadow's
	 * answer is abandoned ({@code DAEPLOY_PROXY_SHADOW_TIMEOUT})
	 * @param maxConnections client connections the embedded proxy keeps open at once;
	 * further ones are closed at once. Lowered at start to what the process's file
	 * descriptor limit allows ({@code DAEPLOY_PROXY_MAX_CONNECTIONS})
	 * @param maxConnectionsPerClient client connections from one address open at once
	 * ({@code DAEPLOY_PROXY_MAX_CONNECTIONS_PER_CLIENT})
	 * @param maxPipelined requests a client may send ahead on one connection while one is
	 * answered; a connection that queues more is closed
	 * ({@code DAEPLOY_PROXY_MAX_PIPELINED})
	 * @param maxHeaderSize the largest request header block; larger ones get 431
	 * ({@code DAEPLOY_PROXY_MAX_HEADER_SIZE})
	 * @param maxRequestLine the longest request line; longer ones get 414
	 * ({@code DAEPLOY_PROXY_MAX_REQUEST_LINE})
	 * @param headerTimeout how long a client may take to send a request's headers from
	 * their first byte; then 408 and close ({@code DAEPLOY_PROXY_HEADER_TIMEOUT})
	 * @param bodyTimeout how long a request body may pause between two reads; then 408
	 * and close ({@code DAEPLOY_PROXY_BODY_TIMEOUT})
	 * @param idleTimeout how long a keep-alive connection may sit idle between requests
	 * ({@code DAEPLOY_PROXY_IDLE_TIMEOUT})
	 * @param sendTimeout how long a client may leave its answer unread (the connection
	 * not writable) before it is closed ({@code DAEPLOY_PROXY_SEND_TIMEOUT})
	 */
	public record Proxy(@DefaultValue("5080") int httpPort, @DefaultValue("5443") int httpsPort,
			@DefaultValue("5081") int dashboardPort, @DefaultValue("false") boolean https,
			@DefaultValue("auto") String mode, String address, @DefaultValue("1MB") DataSize mirrorMaxBody,
			@DefaultValue("10s") Duration shadowTimeout, @DefaultValue("1024") int maxConnections,
			@DefaultValue("256") int maxConnectionsPerClient, @DefaultValue("16") int maxPipelined,
			@DefaultValue("16KB") DataSize maxHeaderSize, @DefaultValue("8KB") DataSize maxRequestLine,
			@DefaultValue("10s") Duration headerTimeout, @DefaultValue("30s") Duration bodyTimeout,
			@DefaultValue("60s") Duration idleTimeout, @DefaultValue("60s") Duration sendTimeout) {

		/**
		 * The bound constructor.
		 */
		@ConstructorBinding
		public Proxy {
		}

		/**
		 * Proxy settings with the default limits.
		 * @param httpPort port users reach services and the manager on
		 * @param httpsPort HTTPS port
		 * @param dashboardPort port of the dashboard's own origin
		 * @param https whether HTTPS is served
		 * @param mode which proxy serves the proxy port
		 * @param address the address the embedded proxy listens on
		 * @param mirrorMaxBody requests with larger bodies are not mirrored
		 * @param shadowTimeout how long a mirrored request may take
		 */
		public Proxy(int httpPort, int httpsPort, int dashboardPort, boolean https, String mode, String address,
				DataSize mirrorMaxBody, Duration shadowTimeout) {
			this(httpPort, httpsPort, dashboardPort, https, mode, address, mirrorMaxBody, shadowTimeout, 1024, 256, 16,
					DataSize.ofKilobytes(16), DataSize.ofKilobytes(8), Duration.ofSeconds(10), Duration.ofSeconds(30),
					Duration.ofSeconds(60), Duration.ofSeconds(60));
		}

	}

	/**
	 * Docker engine settings.
	 *
	 * @param host the engine's address; defaults to {@code DOCKER_HOST} or the local
	 * socket ({@code DAEPLOY_DOCKER_HOST})
	 * @param network the bridge network services join; when unset
	 * {@code daeploy-network}, or {@code daeploy-<instance>-network} outside the default
	 * instance ({@code DAEPLOY_DOCKER_NETWORK})
	 * @param maxLogStreams the most service log streams open at once; each holds a thread
	 * while it waits for a line ({@code DAEPLOY_DOCKER_MAX_LOG_STREAMS})
	 */
	public record Docker(String host, String network, @DefaultValue("256") int maxLogStreams) {

		/**
		 * The network services of an instance join.
		 * @param instance the manager's instance
		 * @return the configured network, else the instance's own
		 */
		public String network(String instance) {
			if (this.network != null && !this.network.isBlank()) {
				return this.network;
			}
			return "default".equals(instance) ? "daeploy-network" : "daeploy-" + instance + "-network";
		}

	}

	/**
	 * Where notifications go besides the manager's own store
	 * ({@code DAEPLOY_NOTIFICATION_*}).
	 *
	 * @param smtp the SMTP server notification e-mails are sent through
	 * @param webhook the URL every raise is posted to
	 */
	public record Notification(@DefaultValue Smtp smtp, @DefaultValue Webhook webhook) {

		/** No e-mail, no webhook. */
		public static final Notification NONE = new Notification(
				new Smtp(null, null, null, null, null, Smtp.Security.SSL, null, false),
				new Webhook(null, Duration.ofSeconds(5), 3, Duration.ofMillis(500)));

	}

	/**
	 * The SMTP server notification e-mails are sent through. E-mail is on when a host and
	 * a sender are known. The original's variables keep working:
	 * {@code DAEPLOY_CONFIG_EMAIL} is the sender and the login when {@code from} and
	 * {@code username} are unset, {@code DAEPLOY_CONFIG_EMAIL_PASSWORD} the password when
	 * {@code password} is unset, and {@code DAEPLOY_NOTIFICATION_SMTP_SERVER} the host
	 * when {@code host} is unset.
	 *
	 * @param host the server's host name ({@code DAEPLOY_NOTIFICATION_SMTP_HOST})
	 * @param server the original's name for {@code host}
	 * ({@code DAEPLOY_NOTIFICATION_SMTP_SERVER})
	 * @param port the server's port; when unset 465 for {@code SSL}, 587 for
	 * {@code STARTTLS} and 25 for {@code NONE} ({@code DAEPLOY_NOTIFICATION_SMTP_PORT})
	 * @param username the login ({@code DAEPLOY_NOTIFICATION_SMTP_USERNAME})
	 * @param password the password; without one the manager does not log in
	 * ({@code DAEPLOY_NOTIFICATION_SMTP_PASSWORD})
	 * @param security {@code SSL} (implicit TLS, as the original), {@code STARTTLS}
	 * (required, never downgraded) or {@code NONE}
	 * ({@code DAEPLOY_NOTIFICATION_SMTP_SECURITY})
	 * @param from the sender address ({@code DAEPLOY_NOTIFICATION_SMTP_FROM})
	 * @param trustAll trust any server certificate: only for tests and self-signed
	 * servers on a trusted network ({@code DAEPLOY_NOTIFICATION_SMTP_TRUST_ALL})
	 */
	public record Smtp(String host, String server, Integer port, String username, String password,
			@DefaultValue("SSL") Security security, String from, @DefaultValue("false") boolean trustAll) {

		/**
		 * How the connection to the SMTP server is secured.
		 */
		public enum Security {

			/** Implicit TLS from the first byte, usually port 465. */
			SSL,

			/** Plain connection upgraded by STARTTLS, usually port 587; required. */
			STARTTLS,

			/** No TLS: only for a relay on a trusted network. */
			NONE

		}

	}

	/**
	 * A URL every raised notification is posted to as JSON.
	 *
	 * @param url http or https URL; unset: no webhook
	 * ({@code DAEPLOY_NOTIFICATION_WEBHOOK_URL})
	 * @param timeout how long one attempt may take
	 * ({@code DAEPLOY_NOTIFICATION_WEBHOOK_TIMEOUT})
	 * @param retries further attempts after a connection error, a timeout or a 5xx answer
	 * ({@code DAEPLOY_NOTIFICATION_WEBHOOK_RETRIES})
	 * @param backoff wait before the first retry; doubles with each further one
	 * ({@code DAEPLOY_NOTIFICATION_WEBHOOK_BACKOFF})
	 */
	public record Webhook(String url, @DefaultValue("5s") Duration timeout, @DefaultValue("3") int retries,
			@DefaultValue("500ms") Duration backoff) {
	}

	/**
	 * The original's {@code DAEPLOY_CONFIG_*} settings.
	 *
	 * @param email the SMTP sender and login (and, in the original, the ACME account)
	 * ({@code DAEPLOY_CONFIG_EMAIL})
	 * @param emailPassword the SMTP password ({@code DAEPLOY_CONFIG_EMAIL_PASSWORD})
	 */
	public record Config(String email, String emailPassword) {

		/** Nothing set. */
		public static final Config NONE = new Config(null, null);

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
