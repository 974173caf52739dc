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
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
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
import static org.awaitility.Awaitility.await;

/**
 * Restarts a real manager on one data directory and changes the runtime behind its back
 * in between: the restarted manager adopts a container it does not know and re-creates a
 * container that disappeared.
 */
class ServiceReconciliationIntegrationTests {

	private final String instance = "test-" + UUID.randomUUID().toString().substring(0, 8);

	private ConfigurableApplicationContext manager;

	private final String volume = "daeploy-test-" + this.instance;

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
		if (!this.docker.listVolumesCmd().withFilter("name", List.of(this.volume)).exec().getVolumes().isEmpty()) {
			this.docker.removeVolumeCmd(this.volume).exec();
		}
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
								List.of(Map.of("key", "test.daeploy", "value", "true"))))
				.execute()
				.path("deployService.service.state")
				.entity(String.class)
				.isEqualTo("RUNNING");
		}
		this.manager.close();

		this.docker.removeContainerCmd(TestManagers.containerName(this.instance, lost, "1.0.0")).withForce(true).exec();
		String orphanId = this.docker.createContainerCmd(TestImages.BUSYBOX)
			.withName(TestManagers.containerName(this.instance, orphan, "2.0.0"))
			.withLabels(Map.of("daeploy.type", "service", "daeploy.name", orphan, "daeploy.version", "2.0.0",
					"daeploy.port", "8000", "daeploy.instance", this.instance, "daeploy.test", "true"))
			.withEnv("MODE=adopted")
			.withExposedPorts(ExposedPort.tcp(8000))
			.withHostConfig(HostConfig.newHostConfig()
				.withNetworkMode(TestManagers.NETWORK)
				.withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(8000))))
			.exec()
			.getId();
		this.docker.startContainerCmd(orphanId).exec();

		HttpGraphQlTester restarted = start(dataDir);
		List<Map> services = await().atMost(Duration.ofSeconds(30))
			.until(() -> restarted.documentName("services").execute().path("services").entityList(Map.class).get(),
					(all) -> all.size() == 3 && all.stream().allMatch((s) -> "RUNNING".equals(s.get("state"))));

		assertThat(services).extracting((s) -> s.get("name") + " " + s.get("version") + " " + s.get("state"))
			.containsExactlyInAnyOrder(lost + " 1.0.0 RUNNING", kept + " 1.0.0 RUNNING", orphan + " 2.0.0 RUNNING");
		assertThat(services).filteredOn((s) -> orphan.equals(s.get("name")))
			.singleElement()
			.satisfies((s) -> assertThat(s).containsEntry("main", true).containsEntry("port", 8000));
		Map<String, String> recreatedEnv = envOf(TestManagers.containerName(this.instance, lost, "1.0.0"));
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

	@Test
	void anAdoptedContainerIsRecreatedWithEveryOptionItHad() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-adopt-");
		Path hostDir = Files.createTempDirectory("daeploy-adopt-bind-");
		String name = "adopted_" + this.instance.substring(5);
		String volume = this.volume;
		start(dataDir);
		// a container of this instance the manager did not create, with every option
		String id = this.docker.createContainerCmd(TestImages.BUSYBOX)
			.withName(TestManagers.containerName(this.instance, name, "3.0.0"))
			.withLabels(Map.of("daeploy.type", "service", "daeploy.name", name, "daeploy.version", "3.0.0",
					"daeploy.port", "8000", "daeploy.instance", this.instance, "daeploy.test", "true", "team", "ml"))
			.withEnv("MODE=adopted", "EMPTY=")
			.withCmd("/bin/busybox", "httpd", "-f", "-p", "8000", "-h", "/www")
			.withExposedPorts(ExposedPort.tcp(8000))
			.withHostConfig(HostConfig.newHostConfig()
				.withNetworkMode(TestManagers.NETWORK)
				.withBinds(new Bind(volume, new Volume("/data")),
						new Bind(hostDir.toString(), new Volume("/host"), AccessMode.ro))
				.withMemory(48L * 1024 * 1024)
				.withNanoCPUs(250_000_000L)
				.withRestartPolicy(RestartPolicy.onFailureRestart(0))
				.withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(8000))))
			.exec()
			.getId();
		this.docker.startContainerCmd(id).exec();
		InspectContainerResponse original = this.docker.inspectContainerCmd(id).exec();
		this.manager.close();

		// the restart adopts it; the next one, after it is gone, re-creates it
		HttpGraphQlTester adopted = start(dataDir);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> adopted.documentName("services")
				.execute()
				.path("services")
				.entityList(Map.class)
				.get()
				.size() == 1);
		this.manager.close();
		this.docker.removeContainerCmd(id).withForce(true).exec();
		HttpGraphQlTester recreated = start(dataDir);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "RUNNING".equals(recreated.document("{ services { state } }")
				.execute()
				.path("services[0].state")
				.entity(String.class)
				.get()));

		InspectContainerResponse copy = this.docker
			.inspectContainerCmd(TestManagers.containerName(this.instance, name, "3.0.0"))
			.exec();
		assertThat(copy.getId()).isNotEqualTo(id);
		assertThat(copy.getHostConfig().getBinds()).containsExactlyInAnyOrder(original.getHostConfig().getBinds());
		assertThat(copy.getHostConfig().getMemory()).isEqualTo(original.getHostConfig().getMemory());
		assertThat(copy.getHostConfig().getNanoCPUs()).isEqualTo(original.getHostConfig().getNanoCPUs());
		assertThat(copy.getHostConfig().getRestartPolicy()).isEqualTo(original.getHostConfig().getRestartPolicy());
		assertThat(copy.getConfig().getCmd()).containsExactly(original.getConfig().getCmd());
		assertThat(copy.getConfig().getImage()).isEqualTo(original.getConfig().getImage());
		assertThat(copy.getConfig().getLabels()).containsAllEntriesOf(original.getConfig().getLabels());
		// the environment is the original's plus what the manager gives every service
		assertThat(copy.getConfig().getEnv()).contains(original.getConfig().getEnv())
			.anyMatch((entry) -> entry.startsWith("daeploy.auth="));
	}

	private String awaitBody(String url) {
		HttpClient http = HttpClient.newHttpClient();
		return await().atMost(Duration.ofSeconds(30)).ignoreException(IOException.class).until(() -> {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
					HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? response.body() : null;
		}, java.util.Objects::nonNull);
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
