package io.daeploy.manager.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Image;
import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestDocker;
import io.daeploy.manager.TestImages;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers of the deployment tests: source archives made in the test, uploads through
 * {@code POST /uploads}, deploys, waits for a deployment's end, requests through the
 * proxy, and a look into the manager's SQLite file. Images the tests' manager built (all
 * labelled with its instance) are removed after each class.
 */
abstract class DeploymentTestBase extends ManagerIntegrationTests {

	static final Duration BUILD_DEADLINE = Duration.ofMinutes(3);

	@LocalServerPort
	int port;

	@Value("${daeploy.data-dir}")
	Path dataDir;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void builderImages() {
		TestImages.ensure();
	}

	@AfterAll
	static void removeBuiltImages() {
		try (DockerClient docker = TestDocker.client()) {
			for (Image image : docker.listImagesCmd().withLabelFilter(Map.of("daeploy.instance", INSTANCE)).exec()) {
				try {
					docker.removeImageCmd(image.getId()).withForce(true).exec();
				}
				catch (RuntimeException ex) {
					// in use by a container another test still removes
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A {@code .tar.gz} of files, each a path and its text; paths ending in {@code /} are
	 * folders, {@code .s2i/bin/*} and {@code *.sh} files are executable.
	 */
	static byte[] tarGz(Map<String, String> files) {
		return archive(true, (tar) -> {
			for (Map.Entry<String, String> file : files.entrySet()) {
				String name = file.getKey();
				if (name.endsWith("/")) {
					entry(tar, new TarArchiveEntry(name), null);
					continue;
				}
				TarArchiveEntry entry = new TarArchiveEntry(name);
				entry.setMode((name.startsWith(".s2i/bin/") || name.endsWith(".sh")) ? 0100755 : 0100644);
				entry(tar, entry, file.getValue().getBytes(StandardCharsets.UTF_8));
			}
		});
	}

	/**
	 * An archive written entry by entry.
	 */
	static byte[] archive(boolean gzip, Consumer<TarArchiveOutputStream> entries) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try {
			java.io.OutputStream out = gzip ? new GzipCompressorOutputStream(bytes) : bytes;
			try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
				tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
				entries.accept(tar);
				tar.finish();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	static void entry(TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] content) {
		try {
			if (content != null) {
				entry.setSize(content.length);
			}
			tar.putArchiveEntry(entry);
			if (content != null) {
				tar.write(content);
			}
			tar.closeArchiveEntry();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Uploads bytes as the admin.
	 * @return the upload's id
	 */
	String upload(byte[] bytes, String filename) {
		MultipartBodyBuilder body = new MultipartBodyBuilder();
		body.part("file", new ByteArrayResource(bytes))
			.filename(filename)
			.contentType(MediaType.APPLICATION_OCTET_STREAM);
		Map<String, Object> answer = uploads().post()
			.uri("/uploads")
			.header("Authorization", "Bearer " + adminToken())
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(body.build()))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(answer).containsKey("id");
		return (String) answer.get("id");
	}

	WebTestClient uploads() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(60))
			.build();
	}

	private String adminToken;

	String adminToken() {
		if (this.adminToken == null) {
			this.adminToken = login("admin", ADMIN_PASSWORD);
		}
		return this.adminToken;
	}

	/**
	 * Submits a deploy and returns its deployment at once.
	 */
	Map<String, Object> deploy(Map<String, Object> input) {
		return this.graphQl
			.document("mutation($input: DeployServiceInput!) { deployService(input: $input) "
					+ "{ deployment { id state serviceName serviceVersion source image builderImage } } }")
			.variable("input", input)
			.execute()
			.path("deployService.deployment")
			.entity(Map.class)
			.get();
	}

	/**
	 * A deploy's input: name, version, the busybox builder, plus the given entries.
	 */
	static Map<String, Object> input(String name, String version, Object... entries) {
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("name", name);
		input.put("version", version);
		for (int i = 0; i < entries.length; i += 2) {
			input.put((String) entries[i], entries[i + 1]);
		}
		return input;
	}

	static Map<String, Object> tarSource(String uploadId) {
		return Map.of("tar", Map.of("uploadId", uploadId));
	}

	/**
	 * Waits until a deployment has ended.
	 * @return {@code {id state reason code serviceName serviceVersion image log}}
	 */
	Map<String, Object> awaitEnd(String id) {
		Map<String, Object>[] last = new Map[1];
		Awaitility.await("deployment " + id + " ends")
			.atMost(BUILD_DEADLINE)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				last[0] = deployment(id);
				return List.of("RUNNING", "STOPPED", "FAILED", "CANCELLED").contains(last[0].get("state"));
			});
		return last[0];
	}

	Map<String, Object> deployment(String id) {
		return this.graphQl
			.document("query($id: ID!) { deployment(id: $id) { id kind state reason code serviceName serviceVersion "
					+ "image source createdAt startedAt finishedAt log(tail: 500) { line stream level } } }")
			.variable("id", id)
			.execute()
			.path("deployment")
			.entity(Map.class)
			.get();
	}

	@SuppressWarnings("unchecked")
	static String logText(Map<String, Object> deployment) {
		StringBuilder text = new StringBuilder();
		for (Map<String, Object> line : (List<Map<String, Object>>) deployment.get("log")) {
			text.append(line.get("line")).append('\n');
		}
		return text.toString();
	}

	/**
	 * A GET through the proxy as the admin.
	 */
	HttpResponse<String> get(String path) {
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort() + path))
				.header("Authorization", "Bearer " + adminToken())
				.timeout(Duration.ofSeconds(20))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Rows of a query on the manager's SQLite file.
	 */
	long count(String sql, Object... parameters) {
		try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + this.dataDir.resolve("daeploy.db"));
				PreparedStatement statement = db.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? rows.getLong(1) : 0;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Images of this manager that a deployment made.
	 */
	List<Image> imagesOf(String deploymentId, String name) {
		return this.docker.listImagesCmd()
			.withLabelFilter(
					Map.of("daeploy.instance", INSTANCE, "daeploy.deployment", deploymentId, "daeploy.name", name))
			.exec();
	}

	/**
	 * Build containers of this manager.
	 */
	List<com.github.dockerjava.api.model.Container> buildContainers() {
		return this.docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("daeploy.instance", INSTANCE, "daeploy.type", "build"))
			.exec();
	}

	/**
	 * Asserts that a deployment left nothing: no container, build container, image, token
	 * or row of its version.
	 */
	void assertNothingLeft(Map<String, Object> deployment) {
		String id = String.valueOf(deployment.get("id"));
		String name = (String) deployment.get("serviceName");
		String version = (String) deployment.get("serviceVersion");
		assertThat(testContainers()).as("containers left by %s", id)
			.noneMatch((container) -> name.equals(container.getLabels().get("daeploy.name"))
					&& version.equals(container.getLabels().get("daeploy.version")));
		assertThat(buildContainers()).as("build containers").isEmpty();
		assertThat(imagesOf(id, name)).as("images of deployment %s", id).isEmpty();
		assertThat(count("SELECT COUNT(*) FROM tokens WHERE subject = ?", name + ":" + version)).as("tokens").isZero();
		assertThat(count("SELECT COUNT(*) FROM services WHERE name = ? AND version = ?", name, version)).as("rows")
			.isZero();
	}

}
