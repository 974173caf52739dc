package io.daeploy.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Daeploy Manager for a test class: the jar the backend module built, started as a
 * process on free ports of 127.0.0.1 with its own data directory and instance, as
 * {@code e2e/lib/manager.mjs} starts it; stopped by its own handle, and what it made
 * (containers and images of its instance) removed.
 */
final class TestManager implements AutoCloseable {

	static final String ADMIN_PASSWORD = "cli-admin-password";

	private final Process process;

	private final String instance;

	private final int servicesPort;

	private final int dashboardPort;

	private final Path dataDir;

	private TestManager(Process process, String instance, int servicesPort, int dashboardPort, Path dataDir) {
		this.process = process;
		this.instance = instance;
		this.servicesPort = servicesPort;
		this.dashboardPort = dashboardPort;
		this.dataDir = dataDir;
	}

	/**
	 * Starts a manager and waits until it answers.
	 * @return the manager
	 * @throws IOException when it cannot start
	 */
	static TestManager start() throws IOException {
		Path jar = Path.of(System.getProperty("daeploy.manager.jar", "../backend/target/daeploy-manager.jar"));
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar.toAbsolutePath()
					+ " is missing: build the backend first (mvn -DskipTests package -pl backend)");
		}
		int server = freePort();
		int services = freePort();
		int dashboard = freePort();
		Path dataDir = Files.createTempDirectory("daeploy-cli-test-");
		String instance = "cli-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		Path log = Path.of("target", "manager-" + instance + ".log");
		Files.createDirectories(log.getParent());
		List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
				jar.toString(), "--server.port=" + server, "--daeploy.proxy.http-port=" + services,
				"--daeploy.proxy.dashboard-port=" + dashboard, "--daeploy.proxy.address=127.0.0.1",
				"--daeploy.proxy.mode=embedded", "--daeploy.data-dir=" + dataDir, "--daeploy.instance=" + instance,
				"--daeploy.docker.network=daeploy-test-network", "--daeploy.admin-password=" + ADMIN_PASSWORD));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		TestManager manager = new TestManager(process, instance, services, dashboard, dataDir);
		HttpClient http = HttpClient.newHttpClient();
		try {
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("The manager exited with " + process.exitValue() + "; see " + log);
				}
				try {
					return http
						.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard + "/healthz")).build(),
								HttpResponse.BodyHandlers.discarding())
						.statusCode() == 200;
				}
				catch (IOException ex) {
					return false;
				}
			});
		}
		catch (RuntimeException ex) {
			manager.close();
			throw ex;
		}
		return manager;
	}

	/**
	 * The URL users give the command line: the proxy's port, where services are too.
	 * @return e.g. {@code http://localhost:43121}
	 */
	String host() {
		return "http://localhost:" + this.servicesPort;
	}

	String instance() {
		return this.instance;
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		docker("sh", "-c", "ids=$(docker ps -aq --filter label=daeploy.instance=" + this.instance
				+ "); [ -z \"$ids\" ] || docker rm -f $ids");
		docker("sh", "-c", "ids=$(docker images -q --filter label=daeploy.instance=" + this.instance
				+ "); [ -z \"$ids\" ] || docker rmi -f $ids");
		try (var paths = Files.walk(this.dataDir)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind
		}
	}

	private static void docker(String... command) {
		try {
			new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start()
				.waitFor(60, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			// nothing to clean without docker
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
