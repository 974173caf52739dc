package io.daeploy.manager.deployment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.model.Image;
import io.daeploy.manager.TestImages;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job side of deployments, on a manager that builds one at a time, bounds a build to
 * 20 seconds and keeps two built images per service: builds queue in order, a cancel
 * stops a build (or takes a deploy out of the queue) and removes what it made, the build
 * timeout ends a build, stop, start and restart are jobs behind the version's health
 * check, and built images stay within the retention with no dangling ones, so an earlier
 * version can be deployed again from its image at once.
 */
class DeploymentJobsIntegrationTests extends DeploymentTestBase {

	@DynamicPropertySource
	static void jobs(DynamicPropertyRegistry registry) {
		registry.add("daeploy.max-concurrent-builds", () -> "1");
		registry.add("daeploy.build-timeout", () -> "20s");
		registry.add("daeploy.image-retention", () -> "2");
	}

	private String sleepingSource(String content, double seconds) {
		return upload(tarGz(DeployFromSourceIntegrationTests.files("index.html", content + "\n", "build.sh",
				"echo 'sleeping " + seconds + "'\nsleep " + seconds + "\necho 'woke up'\n")), "src.tar.gz");
	}

	private String deployFrom(String name, String version, String uploadId) {
		return (String) deploy(
				input(name, version, "source", tarSource(uploadId), "builderImage", TestImages.S2I_BUSYBOX,
						"healthCheck", Map.of("path", "/index.html", "intervalSeconds", 0.2, "timeoutSeconds", 30)))
			.get("id");
	}

	@Test
	void buildsQueueInOrderOneAtATime() {
		String name = unique("queue");
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(deployFrom(name, "1.0." + i, sleepingSource("v" + i, 1)));
		}
		assertThat(deployment(ids.get(2)).get("state")).isEqualTo("QUEUED");
		List<Map<String, Object>> ended = ids.stream().map(this::awaitEnd).toList();
		assertThat(ended).extracting((deployment) -> deployment.get("state")).containsOnly("RUNNING");
		// each build's first line comes after the previous build's last: one at a time,
		// in order
		Instant previousEnd = Instant.EPOCH;
		for (String id : ids) {
			List<Map<String, Object>> log = logLines(id);
			Instant first = time(log, "Checking the uploaded archive");
			Instant last = time(log, "Built ");
			assertThat(first).as("deployment %s starts building", id).isAfterOrEqualTo(previousEnd);
			previousEnd = last;
		}
		for (int i = 0; i < 3; i++) {
			assertThat(get("/services/" + name + "_1.0." + i + "/").body()).isEqualTo("v" + i + "\n");
		}
	}

	private List<Map<String, Object>> logLines(String id) {
		return this.graphQl.document("query($id: ID!) { deployment(id: $id) { log(tail: 500) { timestamp line } } }")
			.variable("id", id)
			.execute()
			.path("deployment.log")
			.entityList(Map.class)
			.get()
			.stream()
			.map((line) -> (Map<String, Object>) line)
			.toList();
	}

	private static Instant time(List<Map<String, Object>> log, String prefix) {
		return log.stream()
			.filter((line) -> ((String) line.get("line")).startsWith(prefix))
			.map((line) -> Instant.parse((String) line.get("timestamp")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in " + log));
	}

	@Test
	void aCancelStopsABuildOrLeavesTheQueueAndRemovesWhatItMade() {
		String name = unique("cancel");
		String building = deployFrom(name, "1.0.0", sleepingSource("slow", 60));
		String queued = deployFrom(name, "1.0.1", sleepingSource("queued", 1));
		await("the first to build", () -> "BUILDING".equals(deployment(building).get("state"))
				&& !buildContainers().isEmpty() && logText(deployment(building)).contains("sleeping"));
		assertThat(deployment(queued).get("state")).isEqualTo("QUEUED");

		Map<String, Object> cancelled = cancel(queued);
		assertThat(cancelled).containsEntry("state", "CANCELLED");
		assertThat((String) cancelled.get("reason")).startsWith("Cancelled by admin");
		assertThat(deployment(building).get("state")).isEqualTo("BUILDING");

		assertThat(cancel(building)).containsEntry("state", "CANCELLED");
		Map<String, Object> ended = deployment(building);
		assertThat(logText(ended)).contains("sleeping").doesNotContain("woke up");
		assertNothingLeft(ended);
		assertNothingLeft(deployment(queued));
	}

	@Test
	void theBuildTimeoutEndsABuild() {
		String name = unique("timeout");
		Map<String, Object> ended = awaitEnd(deployFrom(name, "1.0.0", sleepingSource("never", 300)));
		assertThat(ended).containsEntry("state", "FAILED").containsEntry("code", "BUILD_FAILED");
		assertThat((String) ended.get("reason")).contains("DAEPLOY_BUILD_TIMEOUT (20s)");
		assertNothingLeft(ended);
	}

	@Test
	void stopStartAndRestartAreJobsBehindTheHealthCheck() {
		String name = unique("lifecycle");
		assertThat(awaitEnd(deployFrom(name, "1.0.0", sleepingSource("alive", 0)))).containsEntry("state", "RUNNING");

		Map<String, Object> stop = job("stopService", name);
		assertThat(awaitEnd((String) stop.get("id"))).containsEntry("state", "STOPPED");
		assertThat(state(name)).isEqualTo("EXITED");
		assertThat(get("/services/" + name + "/").statusCode()).isNotEqualTo(200);

		Map<String, Object> start = job("startService", name);
		Map<String, Object> started = awaitEnd((String) start.get("id"));
		assertThat(started).containsEntry("state", "RUNNING").containsEntry("kind", "START");
		assertThat(logText(started)).contains("Waiting for the health check (HTTP GET /index.html",
				"The health check passed");
		assertThat(state(name)).isEqualTo("RUNNING");
		assertThat(get("/services/" + name + "/").body()).isEqualTo("alive\n");

		Map<String, Object> restarted = this.graphQl
			.document("mutation($n: String!) { restartService(input: {name: $n, version: \"1.0.0\"}) "
					+ "{ deployment { id kind } service { state } } }")
			.variable("n", name)
			.execute()
			.path("restartService")
			.entity(Map.class)
			.get();
		assertThat((Map<String, Object>) restarted.get("service")).containsEntry("state", "RUNNING");
		assertThat(get("/services/" + name + "/").body()).isEqualTo("alive\n");

		List<String> kinds = this.graphQl
			.document("query($n: String!) { deployments(first: 10, serviceName: $n) { deployments { kind state } } }")
			.variable("n", name)
			.execute()
			.path("deployments.deployments[*].kind")
			.entityList(String.class)
			.get();
		assertThat(kinds).containsExactly("RESTART", "START", "STOP", "DEPLOY");
		this.graphQl.document(
				"mutation($n: String!) { startService(input: {name: $n, version: \"9.9.9\"}) { deployment { id } } }")
			.variable("n", name)
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", "SERVICE_NOT_FOUND")));
	}

	@Test
	void builtImagesStayWithinTheRetentionAndAnEarlierVersionRedeploysFromItsImage() {
		String name = unique("keep");
		for (int i = 0; i < 4; i++) {
			String version = "1.0." + i;
			assertThat(awaitEnd(deployFrom(name, version, sleepingSource("v" + i, 0)))).containsEntry("state",
					"RUNNING");
			kill(name, version);
		}
		// rebuilding a version moves its tag: the old image must not stay behind untagged
		assertThat(awaitEnd(deployFrom(name, "1.0.3", sleepingSource("v3 again", 0)))).containsEntry("state",
				"RUNNING");
		kill(name, "1.0.3");
		Awaitility.await("the retention to apply")
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> builtImages(name).size() == 2);
		List<Image> kept = builtImages(name);
		assertThat(kept).allSatisfy(
				(image) -> assertThat(image.getRepoTags()).isNotEmpty().noneMatch((tag) -> tag.startsWith("<none>")));
		assertThat(kept).flatExtracting((image) -> List.of(image.getRepoTags()))
			.containsExactlyInAnyOrder("daeploy-" + INSTANCE + "-" + name + ":1.0.3",
					"daeploy-" + INSTANCE + "-" + name + ":1.0.2");

		Map<String, Object> again = awaitEnd((String) deploy(
				input(name, "1.0.2", "source", Map.of("image", "daeploy-" + INSTANCE + "-" + name + ":1.0.2")))
			.get("id"));
		assertThat(again).containsEntry("state", "RUNNING");
		assertThat(get("/services/" + name + "/").body()).isEqualTo("v2\n");
	}

	private List<Image> builtImages(String name) {
		return this.docker.listImagesCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("daeploy.instance", INSTANCE, "daeploy.type", "build", "daeploy.name", name))
			.exec();
	}

	private Map<String, Object> cancel(String id) {
		return this.graphQl
			.document("mutation($id: ID!) { cancelDeployment(input: {id: $id}) { deployment { id state reason } } }")
			.variable("id", id)
			.execute()
			.path("cancelDeployment.deployment")
			.entity(Map.class)
			.get();
	}

	private Map<String, Object> job(String mutation, String name) {
		return this.graphQl
			.document("mutation($n: String!) { " + mutation + "(input: {name: $n, version: \"1.0.0\"}) "
					+ "{ deployment { id kind state } } }")
			.variable("n", name)
			.execute()
			.path(mutation + ".deployment")
			.entity(Map.class)
			.get();
	}

	private String state(String name) {
		return this.graphQl.document("query($n: String!) { service(name: $n, version: \"1.0.0\") { state } }")
			.variable("n", name)
			.execute()
			.path("service.state")
			.entity(String.class)
			.get();
	}

	private void kill(String name, String version) {
		this.graphQl
			.document("mutation($n: String!, $v: String!) { killService(input: {name: $n, version: $v}) { name } }")
			.variable("n", name)
			.variable("v", version)
			.executeAndVerify();
	}

}
