package io.daeploy.manager.proxy.traefik;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.TrafficStats;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The proxy port served by Traefik: its files are kept under {@code <dataDir>/traefik/}
 * ({@link TraefikFiles}), Traefik runs as a supervised child process
 * ({@link TraefikProcess}) and its access log feeds the traffic figures
 * ({@link TraefikAccessLog}). Without a binary only the files are written and the access
 * log read, for a Traefik run outside the manager whose file provider watches
 * {@code <dataDir>/traefik/dynamic/}.
 */
public final class TraefikProxy implements ProxyConnector {

	private static final Log logger = LogFactory.getLog(TraefikProxy.class);

	private final DaeployProperties properties;

	private final Path binary;

	private final Path directory;

	private final Consumer<String> crashListener;

	private final TraefikAccessLog accessLog;

	private RouteTable table = new RouteTable(List.of());

	private TraefikFiles files;

	private TraefikProcess process;

	/**
	 * Creates the connector; nothing happens before {@link #start(InetSocketAddress)}.
	 * @param properties the manager's settings (data directory, proxy ports, HTTPS, auth)
	 * @param binary the Traefik executable, or {@code null} to only write the files for a
	 * Traefik run elsewhere
	 * @param stats where the requests read from Traefik's access log are recorded
	 * @param crashListener told each time Traefik exits unexpectedly
	 */
	public TraefikProxy(DaeployProperties properties, Path binary, TrafficStats stats, Consumer<String> crashListener) {
		this.properties = properties;
		this.binary = binary;
		this.directory = properties.dataDir().resolve("traefik").toAbsolutePath().normalize();
		this.crashListener = crashListener;
		this.accessLog = new TraefikAccessLog(this.directory.resolve("access.log"), stats);
	}

	/**
	 * The Traefik executable to run.
	 * @param configured the configured path ({@code DAEPLOY_TRAEFIK_BIN}), or
	 * {@code null}
	 * @return the configured path when it is an executable file, else {@code traefik}
	 * found on {@code PATH}, else {@code null}
	 */
	public static Path findBinary(String configured) {
		if (configured != null && !configured.isBlank()) {
			Path path = executable(configured);
			if (path != null) {
				return path;
			}
			logger.warn("The configured Traefik binary " + configured + " is not an executable file; looking on PATH");
		}
		String searchPath = System.getenv("PATH");
		if (searchPath == null) {
			return null;
		}
		for (String entry : searchPath.split(File.pathSeparator)) {
			if (!entry.isEmpty()) {
				Path path = executable(entry + File.separator + "traefik");
				if (path != null) {
					return path;
				}
			}
		}
		return null;
	}

	private static Path executable(String candidate) {
		try {
			Path path = Path.of(candidate);
			return (Files.isRegularFile(path) && Files.isExecutable(path)) ? path.toAbsolutePath() : null;
		}
		catch (InvalidPathException ex) {
			return null;
		}
	}

	/**
	 * The ACME account's e-mail: {@code DAEPLOY_ACME_EMAIL}, else the original's
	 * {@code DAEPLOY_CONFIG_EMAIL}.
	 * @param properties the settings
	 * @return the address, or {@code null}
	 */
	public static String acmeEmail(DaeployProperties properties) {
		String email = properties.acme().email();
		if (email == null || email.isBlank()) {
			email = (properties.config() != null) ? properties.config().email() : null;
		}
		return (email == null || email.isBlank()) ? null : email.strip();
	}

	@Override
	public synchronized void start(InetSocketAddress manager) {
		if (this.files != null) {
			return;
		}
		DaeployProperties.Proxy proxy = this.properties.proxy();
		TraefikConfig.Settings settings = new TraefikConfig.Settings(proxy.httpPort(), proxy.httpsPort(),
				proxy.dashboardPort(), proxy.https(), this.properties.auth().enabled(),
				"http://127.0.0.1:" + manager.getPort(), acmeEmail(this.properties),
				this.directory.resolve("acme.json").toString(),
				DaeployProperties.LETS_ENCRYPT_STAGING.equals(this.properties.acme().directory(false)));
		this.files = new TraefikFiles(this.directory, new TraefikConfig(settings));
		this.files.writeStatic();
		this.files.rebuild(this.table);
		this.accessLog.route(this.table);
		this.accessLog.start();
		if (this.binary != null) {
			this.process = new TraefikProcess(this.binary, this.files.staticFile(), this.crashListener);
			this.process.start();
		}
		else {
			logger.info("No Traefik binary: writing Traefik's files only, for a Traefik whose file provider watches "
					+ this.files.dynamicDirectory() + " and whose JSON access log is " + this.files.accessLog());
		}
	}

	@Override
	public void stop() {
		TraefikProcess running;
		synchronized (this) {
			running = this.process;
			this.process = null;
		}
		if (running != null) {
			running.stop();
		}
		this.accessLog.stop();
	}

	@Override
	public synchronized void route(RouteTable table) {
		this.table = table;
		this.accessLog.route(table);
		if (this.files != null) {
			this.files.write(table);
		}
	}

	@Override
	public int httpPort() {
		return this.properties.proxy().httpPort();
	}

	@Override
	public int dashboardPort() {
		return this.properties.proxy().dashboardPort();
	}

	@Override
	public String kind() {
		return "traefik";
	}

}
