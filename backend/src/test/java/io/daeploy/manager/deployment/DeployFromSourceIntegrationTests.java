package io.daeploy.manager.deployment;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.TestImages;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deploys from source end to end on the real engine with the busybox builder: an uploaded
 * folder, a git repository at a branch, a tag and a commit, the source's own S2I scripts
 * and environment, an uploaded {@code docker save} tarball. Each deployment runs as a job
 * whose states and build log stream live, and ends with the version running and routed,
 * and no build container left.
 */
class DeployFromSourceIntegrationTests extends DeploymentTestBase {

	@TempDir
	Path temp;

	@Autowired
	MeterRegistry meters;

	@Test
	void anUploadedFolderIsBuiltRunAndRouted() {
		String name = unique("tar");
		String uploadId = upload(tarGz(files("index.html", "hello from source\n", ".s2i/environment",
				"# for the build and the service\nGREETING = hej\n", "build.sh",
				"echo \"building with $GREETING\"\necho \"$GREETING\" > /app/greeting.txt\n")), "src.tar.gz");
		long builtBefore = builds("succeeded");
		Map<String, Object> deployment = deploy(
				input(name, "1.0.0", "source", tarSource(uploadId), "builderImage", TestImages.S2I_BUSYBOX));
		assertThat(deployment.get("state")).isEqualTo("QUEUED");
		assertThat(deployment.get("builderImage")).isEqualTo(TestImages.S2I_BUSYBOX);
		Map<String, Object> ended = awaitEnd((String) deployment.get("id"));
		assertThat(ended.get("state")).as("%s", ended).isEqualTo("RUNNING");
		assertThat(ended.get("image")).isEqualTo("daeploy-" + INSTANCE + "-" + name + ":1.0.0");
		assertThat(logText(ended)).contains("---> Installing application source", "building with hej",
				"---> Build done");
		assertThat(get("/services/" + name + "/").body()).isEqualTo("hello from source\n");
		assertThat(get("/services/" + name + "/greeting.txt").body()).isEqualTo("hej\n");
		assertThat(buildContainers()).isEmpty();
		assertThat(builds("succeeded")).isEqualTo(builtBefore + 1);
		Map<String, Object> service = this.graphQl
			.document("query($n: String!) { service(name: $n, version: \"1.0.0\") { image state main "
					+ "inspection { env { name value } } } }")
			.variable("n", name)
			.execute()
			.path("service")
			.entity(Map.class)
			.get();
		assertThat(service).containsEntry("state", "RUNNING").containsEntry("main", true);
		assertThat(service.get("inspection").toString()).contains("GREETING", "hej");
	}

	@Test
	void statesAndBuildLinesStreamLiveToSubscribers() {
		String name = unique("events");
		String uploadId = upload(tarGz(
				files("index.html", "events\n", "build.sh", "for i in 1 2 3; do echo \"step $i\"; sleep 0.2; done\n")),
				"src.tar");
		Map<String, Object> deployment = deploy(
				input(name, "1.0.0", "source", tarSource(uploadId), "builderImage", TestImages.S2I_BUSYBOX));
		String id = (String) deployment.get("id");
		List<String> seen = new ArrayList<>();
		try (GraphQlWebSocket socket = GraphQlWebSocket.connect(URI.create("ws://127.0.0.1:" + this.port + "/graphql"),
				adminToken())) {
			socket.subscribe("d", "subscription { deploymentEvents(id: \"" + id + "\") { id state line { line } } }");
			String message;
			do {
				message = socket.await((m) -> m.contains("\"id\":\"d\""), BUILD_DEADLINE);
				seen.add(message);
			}
			while (!message.contains("\"complete\"") && !message.contains("\"error\""));
		}
		String all = String.join("\n", seen);
		assertThat(all).contains("\"state\":\"BUILDING\"", "\"state\":\"STARTING\"", "\"state\":\"RUNNING\"", "step 1",
				"step 3", "---> Build done");
		assertThat(all.indexOf("step 3")).isLessThan(all.indexOf("\"state\":\"STARTING\""));
		assertThat(all.indexOf("\"state\":\"STARTING\"")).isLessThan(all.indexOf("\"state\":\"RUNNING\""));
		assertThat(seen.get(seen.size() - 1)).contains("\"complete\"");
	}

	@Test
	void aGitRepositoryIsClonedAtABranchATagOrACommit() throws Exception {
		Path repository = this.temp.resolve("repo");
		RevCommit first;
		try (Git git = Git.init().setDirectory(repository.toFile()).setInitialBranch("main").call()) {
			Files.writeString(repository.resolve("index.html"), "version one\n");
			git.add().addFilepattern(".").call();
			first = commit(git, "one");
			git.tag().setName("v1").call();
			Files.writeString(repository.resolve("index.html"), "version two\n");
			git.add().addFilepattern(".").call();
			commit(git, "two");
			git.branchCreate().setName("feature").call();
			git.checkout().setName("feature").call();
			Files.writeString(repository.resolve("index.html"), "feature\n");
			git.add().addFilepattern(".").call();
			commit(git, "feature");
			git.checkout().setName("main").call();
		}
		String url = repository.toUri().toString();
		String name = unique("git");
		Map<String, String> expected = new LinkedHashMap<>();
		expected.put("1.0.0", null);
		expected.put("1.0.1", "v1");
		expected.put("1.0.2", "feature");
		expected.put("1.0.3", first.getName());
		Map<String, String> answers = Map.of("1.0.0", "version two\n", "1.0.1", "version one\n", "1.0.2", "feature\n",
				"1.0.3", "version one\n");
		for (Map.Entry<String, String> version : expected.entrySet()) {
			Map<String, Object> git = new LinkedHashMap<>();
			git.put("url", url);
			if (version.getValue() != null) {
				git.put("ref", version.getValue());
			}
			// RUNNING once httpd answers: without a health check a busy machine may not
			// have
			// it listening yet when the GET below goes out
			Map<String, Object> deployment = deploy(input(name, version.getKey(), "source", Map.of("git", git),
					"builderImage", TestImages.S2I_BUSYBOX, "healthCheck", Map.of("path", "/", "timeoutSeconds", 60)));
			Map<String, Object> ended = awaitEnd((String) deployment.get("id"));
			assertThat(ended.get("state")).as("%s", ended).isEqualTo("RUNNING");
			assertThat(logText(ended)).contains("Cloning " + url);
			assertThat(get("/services/" + name + "_" + version.getKey() + "/").body()).as(version.getKey())
				.isEqualTo(answers.get(version.getKey()));
		}
	}

	@Test
	void theSourcesOwnScriptsReplaceTheBuilders() {
		String name = unique("scripts");
		String uploadId = upload(tarGz(files("public/index.html", "own scripts\n", ".s2i/bin/assemble",
				"#!/bin/sh\nset -e\necho \"own assemble, builder scripts at $STI_SCRIPTS_PATH\"\n"
						+ "mkdir -p /srv && cp -a /tmp/src/public/. /srv/\n",
				".s2i/bin/run", "#!/bin/sh\nexec /bin/busybox httpd -f -p 8000 -h /srv\n")), "src.tar.gz");
		Map<String, Object> ended = awaitEnd((String) deploy(
				input(name, "1.0.0", "source", tarSource(uploadId), "builderImage", TestImages.S2I_BUSYBOX))
			.get("id"));
		assertThat(ended.get("state")).as("%s", ended).isEqualTo("RUNNING");
		assertThat(logText(ended)).contains("own assemble, builder scripts at /usr/libexec/s2i")
			.doesNotContain("---> Installing application source");
		assertThat(get("/services/" + name + "/").body()).isEqualTo("own scripts\n");
	}

	@Test
	void anUploadedImageIsLoadedAndDeployed() throws Exception {
		String tag = "daeploy-test/upload-" + unique("img") + ":1";
		Path saved = this.temp.resolve("image.tar");
		docker("tag", TestImages.BUSYBOX, tag);
		try {
			docker("save", "-o", saved.toString(), tag);
		}
		finally {
			docker("rmi", tag);
		}
		String name = unique("loaded");
		String uploadId = upload(Files.readAllBytes(saved), "image.tar");
		Map<String, Object> ended = awaitEnd(
				(String) deploy(input(name, "1.0.0", "source", Map.of("imageUpload", Map.of("uploadId", uploadId))))
					.get("id"));
		try {
			assertThat(ended.get("state")).as("%s", ended).isEqualTo("RUNNING");
			assertThat(ended.get("image")).isEqualTo(tag);
			assertThat(get("/services/" + name + "/").body()).isEqualTo("daeploy test service\n");
		}
		finally {
			this.graphQl
				.document("mutation($n: String!) { killService(input: {name: $n, version: \"1.0.0\"}) { name } }")
				.variable("n", name)
				.executeAndVerify();
			docker("rmi", tag);
		}
	}

	@Test
	void selectingTheServiceWaitsForTheDeploymentAsToolsOfTodayExpect() {
		String name = unique("compat");
		Map<String, Object> payload = this.graphQl
			.document("mutation($input: DeployServiceInput!) { deployService(input: $input) "
					+ "{ deployment { id state } service { name version state main } } }")
			.variable("input", input(name, "1.0.0", "image", TestImages.BUSYBOX))
			.execute()
			.path("deployService")
			.entity(Map.class)
			.get();
		assertThat((Map<String, Object>) payload.get("service")).containsEntry("state", "RUNNING")
			.containsEntry("main", true);
		Map<String, Object> ended = deployment((String) ((Map<String, Object>) payload.get("deployment")).get("id"));
		assertThat(ended).containsEntry("state", "RUNNING").containsEntry("kind", "DEPLOY");
		Map<String, Object> page = this.graphQl.document(
				"query($n: String!) { deployments(first: 5, serviceName: $n) { deployments { id state } hasMore } }")
			.variable("n", name)
			.execute()
			.path("deployments")
			.entity(Map.class)
			.get();
		assertThat((List<?>) page.get("deployments")).hasSize(1);
		assertThat(page).containsEntry("hasMore", false);
	}

	private static RevCommit commit(Git git, String message) throws Exception {
		PersonIdent who = new PersonIdent("Test", "test@example.org");
		return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
	}

	static Map<String, String> files(String... pairs) {
		Map<String, String> files = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			files.put(pairs[i], pairs[i + 1]);
		}
		return files;
	}

	static void docker(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("docker"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as("%s: %s", command, output).isZero();
	}

	static Duration seconds(long seconds) {
		return Duration.ofSeconds(seconds);
	}

	private long builds(String outcome) {
		Timer timer = this.meters.find("daeploy.builds").tag("outcome", outcome).timer();
		return (timer != null) ? timer.count() : 0;
	}

}
