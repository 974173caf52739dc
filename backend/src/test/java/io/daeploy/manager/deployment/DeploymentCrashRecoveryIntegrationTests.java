package io.daeploy.manager.deployment;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import io.daeploy.manager.DaeployManagerApplication;
import io.daeploy.manager.TestDocker;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing hangs, nothing leaks: a real manager process is killed with {@code kill -9}
 * while ten deploys from source build, queue and start, then started again on the same
 * data directory. Every deployment the kill interrupted ends {@code FAILED} ("Interrupted
 * by a manager restart") and its leftovers are gone (build containers, half-made images,
 * tokens, rows, containers); every one that had finished is running and routed.
 */
class DeploymentCrashRecoveryIntegrationTests {

	private static final String INSTANCE = "crash-" + UUID.randomUUID().toString().substring(0, 8);

	private static final String PASSWORD = "crash-test-password";

	private static final int DEPLOYS = 10;

	@TempDir
	Path dataDir;

	private Process manager;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void aManagerKilledDuringTenDeploysEndsTheInterruptedOnesAndLeavesNothing() throws Exception {
		TestImages.ensure();
		int port = freePort();
		int proxyPort = freePort();
		this.manager = start(port, proxyPort, "first");
		HttpGraphQlTester graphQl = graphQl(port, login(port));
		String name = "crash_" + UUID.randomUUID().toString().substring(0, 6);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < DEPLOYS; i++) {
			byte[] source = DeploymentTestBase.tarGz(Map.of("index.html", "version " + i + "\n", "build.sh",
					"echo building " + i + "\nsleep 1.5\necho built " + i + "\n"));
			String uploadId = upload(port, graphQlToken, source);
			ids.add(graphQl
				.document(
						"mutation($input: DeployServiceInput!) { deployService(input: $input) { deployment { id } } }")
				.variable("input",
						Map.of("name", name, "version", "1.0." + i, "source",
								Map.of("tar", Map.of("uploadId", uploadId)), "builderImage", TestImages.S2I_BUSYBOX))
				.execute()
				.path("deployService.deployment.id")
				.entity(String.class)
				.get());
		}
		// kill it once some have finished and others still build or wait
		Awaitility.await("three deploys to finish")
			.atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> count(graphQl, ids, "RUNNING") >= 3);
		kill9(this.manager);
		this.manager = null;

		this.manager = start(port, proxyPort, "second");
		HttpGraphQlTester again = graphQl(port, login(port));
		Awaitility.await("the leftovers to be removed")
			.atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> buildContainers().isEmpty() && activeRows() == 0 && servicesAgree(again, name));
		int running = 0;
		int interrupted = 0;
		for (int i = 0; i < DEPLOYS; i++) {
			Map<String, Object> deployment = again
				.document("query($id: ID!) { deployment(id: $id) { state reason code } }")
				.variable("id", ids.get(i))
				.execute()
				.path("deployment")
				.entity(Map.class)
				.get();
			String version = "1.0." + i;
			if ("RUNNING".equals(deployment.get("state"))) {
				running++;
				String body = get(proxyPort, "/services/" + name + "_" + version + "/", again);
				assertThat(body).as(version).isEqualTo("version " + i + "\n");
			}
			else {
				interrupted++;
				assertThat(deployment).as(version)
					.containsEntry("state", "FAILED")
					.containsEntry("reason", "Interrupted by a manager restart")
					.containsEntry("code", "DEPLOYMENT_INTERRUPTED");
				assertThat(containersOf(name, version)).as("containers of %s", version).isEmpty();
				assertThat(imagesOf(ids.get(i))).as("images of %s", version).isEmpty();
				assertThat(rows("SELECT COUNT(*) FROM tokens WHERE subject = ?", name + ":" + version)).as("tokens")
					.isZero();
				assertThat(rows("SELECT COUNT(*) FROM services WHERE name = ? AND version = ?", name, version))
					.as("rows of %s", version)
					.isZero();
			}
		}
		assertThat(running).isGreaterThanOrEqualTo(3);
		assertThat(interrupted).isGreaterThanOrEqualTo(1);
		assertThat(rows("SELECT COUNT(*) FROM tokens WHERE kind = 'SERVICE'")).isEqualTo(running);
		assertThat(rows("SELECT COUNT(*) FROM services")).isEqualTo(running);
	}

	private String graphQlToken;

	private Process start(int port, int proxyPort, String run) throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), DaeployManagerApplication.class.getName(),
				"--server.port=" + port, "--daeploy.proxy.http-port=" + proxyPort, "--daeploy.proxy.dashboard-port=0",
				"--daeploy.proxy.address=127.0.0.1", "--daeploy.proxy.mode=embedded",
				"--daeploy.data-dir=" + this.dataDir, "--daeploy.instance=" + INSTANCE,
				"--daeploy.docker.network=" + TestManagers.NETWORK, "--daeploy.admin-password=" + PASSWORD,
				"--daeploy.max-concurrent-builds=2");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.dataDir.resolve("manager-" + run + ".out").toFile())
			.start();
		Awaitility.await("the manager to answer")
			.atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> {
				assertThat(process.isAlive()).as("the manager runs (see %s)", this.dataDir).isTrue();
				try {
					return this.http
						.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ manager { version } }\"}"))
							.build(), HttpResponse.BodyHandlers.ofString())
						.statusCode() == 200;
				}
				catch (IOException ex) {
					return false;
				}
			});
		return process;
	}

	private static void kill9(Process process) throws Exception {
		Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
		assertThat(kill.waitFor()).isZero();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.manager != null && this.manager.isAlive()) {
			this.manager.destroy();
			if (!this.manager.waitFor(30, TimeUnit.SECONDS)) {
				kill9(this.manager);
			}
		}
		try (DockerClient docker = TestDocker.client()) {
			for (Container container : docker.listContainersCmd()
				.withShowAll(true)
				.withLabelFilter(Map.of("daeploy.instance", INSTANCE))
				.exec()) {
				docker.removeContainerCmd(container.getId()).withForce(true).exec();
			}
			for (Image image : docker.listImagesCmd().withLabelFilter(Map.of("daeploy.instance", INSTANCE)).exec()) {
				docker.removeImageCmd(image.getId()).withForce(true).exec();
			}
		}
	}

	private String login(int port) {
		String token = graphQl(port, null)
			.document("mutation($p: String!) { login(input: {username: \"admin\", password: $p}) { token } }")
			.variable("p", PASSWORD)
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
		this.graphQlToken = token;
		return token;
	}

	private static HttpGraphQlTester graphQl(int port, String token) {
		WebTestClient.Builder client = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + port + "/graphql");
		if (token != null) {
			client.defaultHeader("Authorization", "Bearer " + token);
		}
		return HttpGraphQlTester.create(client.build());
	}

	private static String upload(int port, String token, byte[] bytes) {
		MultipartBodyBuilder body = new MultipartBodyBuilder();
		body.part("file", new ByteArrayResource(bytes)).filename("src.tar.gz");
		Map<String, Object> answer = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(30))
			.build()
			.post()
			.uri("/uploads")
			.header("Authorization", "Bearer " + token)
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(body.build()))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return (String) answer.get("id");
	}

	private static long count(HttpGraphQlTester graphQl, List<String> ids, String state) {
		return ids.stream()
			.filter((id) -> state.equals(graphQl.document("query($id: ID!) { deployment(id: $id) { state } }")
				.variable("id", id)
				.execute()
				.path("deployment.state")
				.entity(String.class)
				.get()))
			.count();
	}

	/**
	 * Whether every stored version of the service has its container and every container
	 * its row: the repairs and the reconciliation are done.
	 */
	private boolean servicesAgree(HttpGraphQlTester graphQl, String name) {
		List<String> stored = graphQl.document("query($n: String!) { services(name: $n) { version state } }")
			.variable("n", name)
			.execute()
			.path("services[*].state")
			.entityList(String.class)
			.get();
		long containers = containersOf(name, null).size();
		return stored.stream().allMatch("RUNNING"::equals) && containers == stored.size();
	}

	private String get(int proxyPort, String path, HttpGraphQlTester graphQl) throws Exception {
		HttpResponse<String> answer = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + path))
				.header("Authorization", "Bearer " + this.graphQlToken)
				.timeout(Duration.ofSeconds(20))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).as(path).isEqualTo(200);
		return answer.body();
	}

	private static List<Container> containersOf(String name, String version) {
		try (DockerClient docker = TestDocker.client()) {
			return docker.listContainersCmd()
				.withShowAll(true)
				.withLabelFilter((version != null)
						? Map.of("daeploy.instance", INSTANCE, "daeploy.name", name, "daeploy.version", version,
								"daeploy.type", "service")
						: Map.of("daeploy.instance", INSTANCE, "daeploy.name", name, "daeploy.type", "service"))
				.exec();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<Container> buildContainers() {
		try (DockerClient docker = TestDocker.client()) {
			return docker.listContainersCmd()
				.withShowAll(true)
				.withLabelFilter(Map.of("daeploy.instance", INSTANCE, "daeploy.type", "build"))
				.exec();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<Image> imagesOf(String deploymentId) {
		try (DockerClient docker = TestDocker.client()) {
			return docker.listImagesCmd()
				.withLabelFilter(Map.of("daeploy.instance", INSTANCE, "daeploy.deployment", deploymentId))
				.exec();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private long activeRows() {
		return rows("SELECT COUNT(*) FROM deployments WHERE state IN ('QUEUED', 'BUILDING', 'STARTING', 'STOPPING')");
	}

	private long rows(String sql, Object... parameters) {
		try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + this.dataDir.resolve("daeploy.db"));
				PreparedStatement statement = db.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? rows.getLong(1) : 0;
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
