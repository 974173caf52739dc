package io.daeploy.manager.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.daeploy.manager.TestImages;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.graphql.ResponseError;
import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to deploys from source. What can be told from the request is refused at once
 * with a code and changes nothing; what shows only when it is done (an archive that is
 * not one or escapes its folder, a pickle over the limit, an unknown builder, a failing
 * {@code assemble}, an unreachable git URL, a bad ref, a health check that never passes)
 * ends the deployment {@code FAILED} with the reason and its log kept, and leaves no
 * container, build container, image, token or row. An upload over the limit is cut off
 * while it streams.
 */
class DeployFromSourceBadInputIntegrationTests extends DeploymentTestBase {

	@TempDir
	Path temp;

	@DynamicPropertySource
	static void limits(DynamicPropertyRegistry registry) {
		registry.add("daeploy.max-upload-mb", () -> "2");
		registry.add("daeploy.max-pickle-mb", () -> "1");
	}

	static Stream<Object[]> escapingArchives() {
		return Stream.of(new Object[] { "a ../ entry", archive(true, (tar) -> {
			entry(tar, new TarArchiveEntry("index.html"), "ok".getBytes());
			entry(tar, new TarArchiveEntry("../evil.sh"), "boom".getBytes());
		}), "climbs out" }, new Object[] { "an absolute path", archive(false, (tar) -> {
			TarArchiveEntry absolute = new TarArchiveEntry("index.html");
			entry(tar, absolute, "ok".getBytes());
			entry(tar, new TarArchiveEntry("/etc/evil", true), "boom".getBytes());
		}), "absolute path" }, new Object[] { "a link pointing out", archive(true, (tar) -> {
			TarArchiveEntry link = new TarArchiveEntry("etc", TarArchiveEntry.LF_SYMLINK);
			link.setLinkName("../../../etc");
			entry(tar, link, null);
		}), "points outside" }, new Object[] { "a file below a link", archive(true, (tar) -> {
			TarArchiveEntry link = new TarArchiveEntry("here", TarArchiveEntry.LF_SYMLINK);
			link.setLinkName(".");
			entry(tar, link, null);
			entry(tar, new TarArchiveEntry("here/file"), "x".getBytes());
		}), "below a link" }, new Object[] { "a device file", archive(true, (tar) -> {
			TarArchiveEntry device = new TarArchiveEntry("null", TarArchiveEntry.LF_CHR);
			device.setDevMajor(1);
			device.setDevMinor(3);
			entry(tar, device, null);
		}), "device file" }, new Object[] { "not a tar", "just some text, not an archive".repeat(40).getBytes(),
				"not a tar archive" }, new Object[] { "a corrupt gzip", corruptGzip(), "gzip" });
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("escapingArchives")
	void badArchivesFailBeforeAnythingIsWritten(String what, byte[] archive, String reason) {
		String uploadId = upload(archive, "src.tar.gz");
		Map<String, Object> ended = awaitEnd((String) deploy(
				input(unique("bad"), "1.0.0", "source", tarSource(uploadId), "builderImage", TestImages.S2I_BUSYBOX))
			.get("id"));
		assertThat(ended).containsEntry("state", "FAILED").containsEntry("code", "INVALID_SOURCE");
		assertThat((String) ended.get("reason")).contains(reason);
		assertThat(logText(ended)).contains("Checking the uploaded archive").doesNotContain("Running ");
		assertNothingLeft(ended);
	}

	@Test
	void aPickleOverTheLimitFails() {
		byte[] pickle = new byte[1536 * 1024];
		new Random(1).nextBytes(pickle);
		String uploadId = upload(pickle, "model.pkl");
		Map<String, Object> ended = awaitEnd((String) deploy(input(unique("pickle"), "1.0.0", "source",
				Map.of("pickle", Map.of("uploadId", uploadId)), "builderImage", TestImages.S2I_BUSYBOX))
			.get("id"));
		assertThat(ended).containsEntry("state", "FAILED").containsEntry("code", "INVALID_SOURCE");
		assertThat((String) ended.get("reason")).contains("over the limit of 1 MB");
		assertNothingLeft(ended);
	}

	@Test
	void anUnknownBuilderFails() {
		String uploadId = upload(tarGz(Map.of("index.html", "x")), "src.tar.gz");
		Map<String, Object> ended = awaitEnd((String) deploy(input(unique("builder"), "1.0.0", "source",
				tarSource(uploadId), "builderImage", "daeploy-test/no-such-builder:" + unique("v")))
			.get("id"));
		assertThat(ended).containsEntry("state", "FAILED").containsEntry("code", "BUILDER_NOT_FOUND");
		assertThat((String) ended.get("reason")).contains("could not be pulled");
		assertThat(logText(ended)).contains("pulling it");
		assertNothingLeft(ended);
	}

	@Test
	void aFailingAssembleFailsWithItsLogKept() {
		String uploadId = upload(tarGz(Map.of("index.html", "x", "build.sh",
				"echo 'compiling the model'\necho 'error: the model is broken' >&2\nexit 3\n")), "src.tar.gz");
		Map<String, Object> ended = awaitEnd((String) deploy(input(unique("assemble"), "1.0.0", "source",
				tarSource(uploadId), "builderImage", TestImages.S2I_BUSYBOX))
			.get("id"));
		assertThat(ended).containsEntry("state", "FAILED").containsEntry("code", "BUILD_FAILED");
		assertThat((String) ended.get("reason")).contains("exit code 3");
		assertThat(logText(ended)).contains("compiling the model", "error: the model is broken");
		assertNothingLeft(ended);
	}

	@Test
	void anUnreachableGitUrlFails() throws IOException {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		Map<String, Object> ended = awaitEnd((String) deploy(input(unique("git"), "1.0.0", "source",
				Map.of("git", Map.of("url", "http://127.0.0.1:" + closed + "/repo.git")), "builderImage",
				TestImages.S2I_BUSYBOX))
			.get("id"));
		assertThat(ended).containsEntry("state", "FAILED").containsEntry("code", "INVALID_SOURCE");
		assertThat((String) ended.get("reason")).contains("Could not clone http://127.0.0.1:" + closed);
		assertNothingLeft(ended);
	}

	@Test
	void aBadRefFails() throws Exception {
		Path repository = this.temp.resolve("repo");
		try (Git git = Git.init().setDirectory(repository.toFile()).setInitialBranch("main").call()) {
			Files.writeString(repository.resolve("index.html"), "x\n");
			git.add().addFilepattern(".").call();
			PersonIdent who = new PersonIdent("Test", "test@example.org");
			git.commit().setMessage("one").setAuthor(who).setCommitter(who).setSign(false).call();
		}
		for (String ref : List.of("no-such-branch", "0123456789abcdef0123456789abcdef01234567")) {
			Map<String, Object> ended = awaitEnd((String) deploy(input(unique("ref"), "1.0.0", "source",
					Map.of("git", Map.of("url", repository.toUri().toString(), "ref", ref)), "builderImage",
					TestImages.S2I_BUSYBOX))
				.get("id"));
			assertThat(ended).as(ref).containsEntry("state", "FAILED").containsEntry("code", "INVALID_SOURCE");
			assertThat((String) ended.get("reason")).as(ref).contains(ref);
			assertNothingLeft(ended);
		}
	}

	@Test
	void aVersionThatNeverPassesItsHealthCheckFailsUnroutedWithItsLastLines() {
		String name = unique("unhealthy");
		String uploadId = upload(
				tarGz(Map.of("index.html", "x", ".s2i/environment", "APP_SCRIPT=start.sh\n", "start.sh",
						"echo 'starting, but never on the right path'\nexec /bin/busybox httpd -f -p 8000 -h /app\n")),
				"src.tar.gz");
		Map<String, Object> ended = awaitEnd((String) deploy(
				input(name, "1.0.0", "source", tarSource(uploadId), "builderImage", TestImages.S2I_BUSYBOX,
						"healthCheck", Map.of("path", "/healthz", "intervalSeconds", 0.3, "timeoutSeconds", 3)))
			.get("id"));
		assertThat(ended).containsEntry("state", "FAILED").containsEntry("code", "HEALTH_CHECK_FAILED");
		assertThat((String) ended.get("reason")).contains("HTTP GET /healthz", "answered 404",
				"starting, but never on the right path");
		assertThat(logText(ended)).contains("The service's last log lines:", "starting, but never on the right path");
		assertThat(get("/services/" + name + "/").statusCode()).isEqualTo(404);
		assertNothingLeft(ended);
	}

	@Test
	void anUploadOverTheLimitIsCutOffWhileItStreams() throws Exception {
		long total = 64L * 1024 * 1024;
		AtomicLong sent = new AtomicLong();
		String boundary = "daeploy-test-boundary";
		byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.tar\"\r\n"
				+ "Content-Type: application/octet-stream\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		InputStream body = new InputStream() {

			@Override
			public int read() {
				byte[] one = new byte[1];
				return (read(one, 0, 1) < 0) ? -1 : one[0];
			}

			@Override
			public int read(byte[] buffer, int offset, int length) {
				long at = sent.get();
				if (at >= total) {
					return -1;
				}
				int n = (int) Math.min(length, total - at);
				if (at < head.length) {
					n = (int) Math.min(n, head.length - at);
					System.arraycopy(head, (int) at, buffer, offset, n);
				}
				sent.addAndGet(n);
				return n;
			}

		};
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/uploads"))
			.header("Authorization", "Bearer " + adminToken())
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
			.build();
		Integer status;
		try {
			HttpResponse<String> answer = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			status = answer.statusCode();
			assertThat(answer.body()).contains("UPLOAD_TOO_LARGE");
		}
		catch (IOException ex) {
			// the manager may close the connection while the client still sends
			status = null;
		}
		assertThat(status).isIn(413, null);
		assertThat(sent.get()).as("bytes the client got to send").isLessThan(total / 2);
		try (Stream<Path> files = Files.list(this.dataDir.resolve("uploads"))) {
			assertThat(files.filter((file) -> {
				try {
					return Files.size(file) > 2 * 1024 * 1024;
				}
				catch (IOException ex) {
					return false;
				}
			})).isEmpty();
		}
	}

	@Test
	void onlyUsersAndAdminsUploadOnePartNamedFile() {
		String service = this.tokens.issueServiceToken("some_service", "1.0.0").block().token();
		org.springframework.http.client.MultipartBodyBuilder file = new org.springframework.http.client.MultipartBodyBuilder();
		file.part("file", new org.springframework.core.io.ByteArrayResource(new byte[] { 1, 2, 3 })).filename("x.tar");
		uploads().post()
			.uri("/uploads")
			.body(org.springframework.web.reactive.function.BodyInserters.fromMultipartData(file.build()))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		uploads().post()
			.uri("/uploads")
			.header("Authorization", "Bearer " + service)
			.body(org.springframework.web.reactive.function.BodyInserters.fromMultipartData(file.build()))
			.exchange()
			.expectStatus()
			.isForbidden();
		org.springframework.http.client.MultipartBodyBuilder other = new org.springframework.http.client.MultipartBodyBuilder();
		other.part("notfile", "text");
		uploads().post()
			.uri("/uploads")
			.header("Authorization", "Bearer " + adminToken())
			.body(org.springframework.web.reactive.function.BodyInserters.fromMultipartData(other.build()))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("INVALID_INPUT");
		uploads().post()
			.uri("/uploads")
			.header("Authorization", "Bearer " + adminToken())
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(415);
	}

	@org.springframework.beans.factory.annotation.Autowired
	io.daeploy.manager.auth.TokenService tokens;

	@Test
	void whatTheRequestShowsIsRefusedAtOnceAndChangesNothing() {
		long before = count("SELECT COUNT(*) FROM deployments");
		String name = unique("refused");
		assertRefused(input(name, "1.0.0", "image", TestImages.BUSYBOX, "source", Map.of("image", TestImages.BUSYBOX)),
				"INVALID_SOURCE", "input.source");
		assertRefused(input(name, "1.0.0"), "INVALID_SOURCE", "input.source");
		assertRefused(
				input(name, "1.0.0", "source", Map.of("image", TestImages.BUSYBOX, "tar", Map.of("uploadId", "x"))),
				"INVALID_SOURCE", "input.source");
		assertRefused(input(name, "1.0.0", "source", tarSource("0123456789abcdef0123456789abcdef")), "UPLOAD_NOT_FOUND",
				"input.source.tar.uploadId");
		assertRefused(input(name, "1.0.0", "source", tarSource("../../etc/passwd")), "UPLOAD_NOT_FOUND",
				"input.source.tar.uploadId");
		assertRefused(input(name, "1.0.0", "source", Map.of("git", Map.of("url", "ftp://example.org/repo.git"))),
				"INVALID_SOURCE", "input.source.git.url");
		assertRefused(
				input(name, "1.0.0", "source",
						Map.of("git", Map.of("url", "file:///tmp/x", "ref", "--upload-pack=evil"))),
				"INVALID_SOURCE", "input.source.git.ref");
		assertRefused(input(name, "1.0.0", "image", TestImages.BUSYBOX, "builderImage", TestImages.S2I_BUSYBOX),
				"INVALID_INPUT", "input.builderImage");
		assertRefused(input(name, "1.0.0", "image", TestImages.BUSYBOX, "healthCheck", Map.of("path", "health")),
				"INVALID_INPUT", "input.healthCheck.path");
		assertRefused(input(name, "1.0.0", "source", Map.of("image", "daeploy-test/absent:9")), "IMAGE_NOT_FOUND",
				"input.source.image");
		assertRefused(input("Bad Name", "1.0.0", "source", Map.of("git", Map.of("url", "file:///tmp/x"))),
				"INVALID_NAME", "input.name");
		assertThat(count("SELECT COUNT(*) FROM deployments")).isEqualTo(before);
		assertThat(testContainers()).isEmpty();
	}

	private void assertRefused(Map<String, Object> input, String code, String field) {
		GraphQlTester.Response response = this.graphQl
			.document("mutation($input: DeployServiceInput!) { deployService(input: $input) { deployment { id } } }")
			.variable("input", input)
			.execute();
		response.errors().satisfy((errors) -> {
			assertThat(errors).as("%s", input).hasSize(1);
			ResponseError error = errors.get(0);
			assertThat(error.getExtensions()).as("%s", input).containsEntry("code", code).containsEntry("field", field);
		});
	}

	private static byte[] corruptGzip() {
		byte[] good = tarGz(Map.of("index.html", "x".repeat(20000)));
		ByteArrayOutputStream bad = new ByteArrayOutputStream();
		bad.write(good, 0, 20);
		for (int i = 20; i < good.length; i++) {
			bad.write(good[i] ^ 0x5a);
		}
		return bad.toByteArray();
	}

}
