package io.daeploy.manager.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.daeploy.manager.TestDocker;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import io.daeploy.manager.proxy.ProxyConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarts a real manager on one data directory and changes the runtime behind its back
 * in between: the restarted manager adopts a container it does not know and re-creates a
 * container that disappeared.
 */
class ServiceReconciliationIntegrationTests {

	private final String instance = "test-" + UUID.randomUUID().toString().substring(0, 8);

	private ConfigurableApplicationContext manager;

	private final DockerClient docker = TestDocker.client();

	@BeforeAll
	static void images() {
		TestImages.ensure();
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.manager != null) {
			this.manager.close();
		}
		this.docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("daeploy.instance", this.instance))
			.exec()
			.forEach((c) -> this.docker.removeContainerCmd(c.getId()).withForce(true).exec());
		this.docker.close();
	}

	@Test
	void restartAdoptsUnknownContainersAndRecreatesLostOnes() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-reconcile-");
		String lost = "lost_" + this.instance.substring(5);
		String kept = "kept_" + this.instance.substring(5);
		String orphan = "orphan_" + this.instance.substring(5);

		HttpGraphQlTester graphQl = start(dataDir);
		for (String name : List.of(lost, kept)) {
			graphQl.documentName("deployService")
				.variable("input",
						Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "env",
								List.of(Map.of("name", "ORIGIN", "value", "stored")), "labels",
								List.of(Map.of("key", "daeploy.test", "value", "true"))))
				.execute()
				.path("deployService.service.state")
				.entity(String.class)
				.isEqualTo("RUNNING");
		}
		this.manager.close();

		this.docker.removeContainerCmd("daeploy-" + lost + "-1.0.0").withForce(true).exec();
		String orphanId = this.docker.createContainerCmd(TestImages.BUSYBOX)
			.withName("daeploy-" + orphan + "-2.0.0")
			.withLabels(Map.of("daeploy.type", "service", "daeploy.name", orphan, "daeploy.version", "2.0.0",
					"daeploy.port", "8000", "daeploy.instance", this.instance, "daeploy.test", "true"))
			.withEnv("MODE=adopted")
			.withExposedPorts(ExposedPort.tcp(8000))
			.withHostConfig(HostConfig.newHostConfig()
				.withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(8000))))
			.exec()
			.getId();
		this.docker.startContainerCmd(orphanId).exec();

		HttpGraphQlTester restarted = start(dataDir);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		List<Map> services;
		do {
			Thread.sleep(200);
			services = restarted.documentName("services").execute().path("services").entityList(Map.class).get();
		}
		while (!(services.size() == 3 && services.stream().allMatch((s) -> "RUNNING".equals(s.get("state"))))
				&& System.nanoTime() < deadline);

		assertThat(services).extracting((s) -> s.get("name") + " " + s.get("version") + " " + s.get("state"))
			.containsExactlyInAnyOrder(lost + " 1.0.0 RUNNING", kept + " 1.0.0 RUNNING", orphan + " 2.0.0 RUNNING");
		assertThat(services).filteredOn((s) -> orphan.equals(s.get("name")))
			.singleElement()
			.satisfies((s) -> assertThat(s).containsEntry("main", true).containsEntry("port", 8000));
		Map<String, String> recreatedEnv = envOf("daeploy-" + lost + "-1.0.0");
		assertThat(recreatedEnv).containsEntry("ORIGIN", "stored").containsEntry("daeploy.name", lost);
		restarted.documentName("serviceInspection")
			.variable("name", orphan)
			.variable("version", "2.0.0")
			.execute()
			.path("service.inspection.env[*].value")
			.entityList(String.class)
			.contains("adopted");
		// routes come back: stored, re-created and adopted versions answer through the
		// proxy
		int proxyPort = this.manager.getBean(ProxyConnector.class).httpPort();
		for (String name : List.of(lost, kept, orphan)) {
			assertThat(awaitBody("http://127.0.0.1:" + proxyPort + "/services/" + name + "/"))
				.contains("daeploy test service");
		}
	}

	private String awaitBody(String url) throws InterruptedException {
		HttpClient http = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		String last = null;
		while (System.nanoTime() < deadline) {
			try {
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
						HttpResponse.BodyHandlers.ofString());
				last = response.statusCode() + " " + response.body();
				if (response.statusCode() == 200) {
					return response.body();
				}
			}
			catch (IOException ex) {
				last = ex.toString();
			}
			Thread.sleep(200);
		}
		throw new AssertionError(url + " did not answer 200; last: " + last);
	}

	private Map<String, String> envOf(String container) {
		Map<String, String> env = new java.util.HashMap<>();
		for (String entry : this.docker.inspectContainerCmd(container).exec().getConfig().getEnv()) {
			int eq = entry.indexOf('=');
			env.put(entry.substring(0, eq), entry.substring(eq + 1));
		}
		return env;
	}

	private HttpGraphQlTester start(Path dataDir) {
		this.manager = TestManagers.start("--daeploy.data-dir=" + dataDir, "--daeploy.instance=" + this.instance,
				"--daeploy.auth.enabled=false");
		return TestManagers.graphQl(this.manager, null);
	}

}
