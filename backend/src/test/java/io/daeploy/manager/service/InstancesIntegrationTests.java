package io.daeploy.manager.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.dockerjava.api.DockerClient;
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
 * Two managers with different {@code DAEPLOY_INSTANCE} on one engine, at once, as README
 * promises: the same service name and version in both, each on its own network, each
 * listing, routing and reconciling only its own containers.
 */
class InstancesIntegrationTests {

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final List<ConfigurableApplicationContext> managers = new ArrayList<>();

	private final DockerClient docker = TestDocker.client();

	@BeforeAll
	static void images() {
		TestImages.ensure();
	}

	@AfterEach
	void cleanUp() throws IOException {
		this.managers.forEach(ConfigurableApplicationContext::close);
		for (String instance : List.of("a" + this.suffix, "b" + this.suffix)) {
			this.docker.listContainersCmd()
				.withShowAll(true)
				.withLabelFilter(Map.of("daeploy.instance", instance))
				.exec()
				.forEach((c) -> this.docker.removeContainerCmd(c.getId()).withForce(true).exec());
			this.docker.listNetworksCmd()
				.withNameFilter("daeploy-" + instance + "-network")
				.exec()
				.forEach((network) -> this.docker.removeNetworkCmd(network.getId()).exec());
		}
		this.docker.close();
	}

	@Test
	void twoInstancesShareOneEngineWithoutAClash() throws Exception {
		String name = "shared_" + this.suffix;
		ConfigurableApplicationContext a = start("a" + this.suffix);
		ConfigurableApplicationContext b = start("b" + this.suffix);
		HttpGraphQlTester first = TestManagers.graphQl(a, null);
		HttpGraphQlTester second = TestManagers.graphQl(b, null);

		deploy(first, name, "a");
		deploy(second, name, "b");

		for (ConfigurableApplicationContext manager : List.of(a, b)) {
			HttpGraphQlTester graphQl = TestManagers.graphQl(manager, null);
			assertThat(graphQl.document("{ services { name version state } }")
				.execute()
				.path("services")
				.entityList(Map.class)
				.get()).singleElement()
				.satisfies(
						(service) -> assertThat(service).containsEntry("name", name).containsEntry("state", "RUNNING"));
		}
		// each routes to its own container
		assertThat(body(a, name)).isEqualTo("a");
		assertThat(body(b, name)).isEqualTo("b");
		// each on its own network
		String instanceA = "a" + this.suffix;
		String instanceB = "b" + this.suffix;
		assertThat(this.docker.inspectContainerCmd(TestManagers.containerName(instanceA, name, "1.0.0"))
			.exec()
			.getNetworkSettings()
			.getNetworks()).containsOnlyKeys("daeploy-" + instanceA + "-network");
		assertThat(this.docker.inspectContainerCmd(TestManagers.containerName(instanceB, name, "1.0.0"))
			.exec()
			.getNetworkSettings()
			.getNetworks()).containsOnlyKeys("daeploy-" + instanceB + "-network");

		// a kill in one leaves the other alone, and so does a restart's reconciliation
		first.document("mutation($n: String!) { killService(input: {name: $n, version: \"1.0.0\"}) { name } }")
			.variable("n", name)
			.executeAndVerify();
		b.close();
		this.managers.remove(b);
		ConfigurableApplicationContext restarted = start(instanceB, b.getEnvironment().getProperty("daeploy.data-dir"));
		HttpGraphQlTester again = TestManagers.graphQl(restarted, null);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "RUNNING".equals(again.document("{ services { state } }")
				.execute()
				.path("services[0].state")
				.entity(String.class)
				.get()));
		assertThat(again.document("{ services { name } }").execute().path("services").entityList(Map.class).get())
			.hasSize(1);
		assertThat(first.document("{ services { name } }").execute().path("services").entityList(Map.class).get())
			.isEmpty();
		assertThat(body(restarted, name)).isEqualTo("b");
	}

	private ConfigurableApplicationContext start(String instance) throws IOException {
		return start(instance, Files.createTempDirectory("daeploy-instance-").toString());
	}

	private ConfigurableApplicationContext start(String instance, String dataDir) {
		// no network setting: each instance uses its own default network
		ConfigurableApplicationContext manager = TestManagers.builder()
			.run("--server.port=0", "--daeploy.proxy.http-port=0", "--daeploy.proxy.dashboard-port=0",
					"--daeploy.proxy.address=127.0.0.1", "--daeploy.data-dir=" + dataDir,
					"--daeploy.instance=" + instance, "--daeploy.auth.enabled=false", "--daeploy.proxy.mode=embedded");
		this.managers.add(manager);
		return manager;
	}

	private static void deploy(HttpGraphQlTester graphQl, String name, String answer) {
		graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "command",
							List.of("sh", "-c",
									"/bin/busybox mkdir -p /tmp/w && echo " + answer
											+ " > /tmp/w/index.html && httpd -f -p 8000 -h /tmp/w"),
							"labels", List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.execute()
			.path("deployService.service.state")
			.entity(String.class)
			.isEqualTo("RUNNING");
	}

	private static String body(ConfigurableApplicationContext manager, String name) {
		int port = manager.getBean(ProxyConnector.class).httpPort();
		HttpClient http = HttpClient.newHttpClient();
		return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/services/" + name + "/")).build(),
					HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? response.body().strip() : null;
		}, java.util.Objects::nonNull);
	}

}
