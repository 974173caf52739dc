package io.daeploy.manager.service;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ServiceDeployIntegrationTests extends ManagerIntegrationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void deploysAnImageThatAnswersHttpOnItsPublishedLoopbackPort() throws Exception {
		String name = unique("web");
		Map<String, Object> service = deploy(name, "1.0.0",
				Map.of("env",
						List.of(Map.of("name", "GREETING", "value", "hej"),
								Map.of("name", "daeploy.name", "value", "spoof")),
						"resources", Map.of("memoryMb", 64, "cpus", 0.5)));

		assertThat(service).containsEntry("name", name)
			.containsEntry("version", "1.0.0")
			.containsEntry("image", TestImages.BUSYBOX)
			.containsEntry("port", 8000)
			.containsEntry("main", true)
			.containsEntry("state", "RUNNING")
			.containsEntry("url", "http://localhost:" + proxyPort() + "/services/" + name + "_1.0.0/")
			.containsEntry("path", "/services/" + name + "_1.0.0/")
			// the first version is main: its service's own route
			.containsEntry("serviceUrl", "http://localhost:" + proxyPort() + "/services/" + name + "/")
			.containsEntry("servicePath", "/services/" + name + "/");
		assertThat(Instant.parse((String) service.get("stateSince"))).isBefore(Instant.now().plusSeconds(1));
		assertThat(Instant.parse((String) service.get("createdAt"))).isBefore(Instant.now().plusSeconds(1));

		Map<String, Object> inspection = this.graphQl.documentName("serviceInspection")
			.variable("name", name)
			.variable("version", "1.0.0")
			.execute()
			.path("service.inspection")
			.entity(Map.class)
			.get();
		String address = (String) inspection.get("publishedAddress");
		assertThat(address).startsWith("127.0.0.1:");
		assertThat(inspection).containsEntry("containerName", containerName(name, "1.0.0"))
			.containsEntry("status", "RUNNING")
			.containsEntry("running", true)
			.containsEntry("restartPolicy", "UNLESS_STOPPED");
		assertThat(inspection.get("startedAt")).isNotNull();
		assertThat((List<Object>) inspection.get("env")).contains(
				Map.of("name", "GREETING", "value", "hej", "secret", false),
				Map.of("name", "daeploy.name", "value", name, "secret", false),
				Map.of("name", "daeploy.version", "value", "1.0.0", "secret", false),
				Map.of("name", "DAEPLOY_MANAGER_HOSTNAME", "value", "localhost", "secret", false), Map.of("name",
						"DAEPLOY_MANAGER_URL", "value", "http://host.docker.internal:" + proxyPort(), "secret", false));

		awaitHttp("http://" + address + "/", "daeploy test service");

		InspectContainerResponse container = this.docker.inspectContainerCmd(containerName(name, "1.0.0")).exec();
		assertThat(container.getConfig().getLabels()).containsEntry("daeploy.type", "service")
			.containsEntry("daeploy.name", name)
			.containsEntry("daeploy.version", "1.0.0")
			.containsEntry("test.daeploy", "true");
		assertThat(container.getNetworkSettings().getNetworks()).containsKey(TestManagers.NETWORK);
		assertThat(container.getHostConfig().getRestartPolicy().getName()).isEqualTo("unless-stopped");
		assertThat(container.getHostConfig().getLogConfig().getType().getType()).isEqualTo("json-file");
		assertThat(container.getHostConfig().getLogConfig().getConfig()).containsEntry("max-size", "100m")
			.containsEntry("max-file", "3");
		assertThat(container.getHostConfig().getMemory()).isEqualTo(64L * 1024 * 1024);
		assertThat(container.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
		assertThat(container.getHostConfig().getExtraHosts()).contains("host.docker.internal:host-gateway");
	}

	@Test
	void laterVersionsOfANameAreShadowsAndListsCarryState() {
		String name = unique("multi");
		assertThat(deploy(name, "1.0.0", Map.of())).containsEntry("main", true);
		assertThat(deploy(name, "1.1.0-rc.1", Map.of())).containsEntry("main", false)
			.containsEntry("path", "/services/" + name + "_1.1.0-rc.1/")
			.containsEntry("servicePath", null)
			.containsEntry("serviceUrl", null);

		List<Map> services = this.graphQl.documentName("services")
			.variable("name", name)
			.execute()
			.path("services")
			.entityList(Map.class)
			.get();
		assertThat(services).extracting((s) -> s.get("version")).containsExactly("1.0.0", "1.1.0-rc.1");
		assertThat(services).extracting((s) -> s.get("state")).containsOnly("RUNNING");
		assertThat(services).extracting((s) -> s.get("main")).containsExactly(true, false);
	}

	@Test
	void runsTheGivenCommandAndReportsAnExitedContainer() {
		String name = unique("job");
		deploy(name, "0.1.0", Map.of("command", List.of("/bin/sh", "-c", "exit 3"), "restartPolicy", "NO"));
		await("the job to exit", () -> "EXITED".equals(state(name, "0.1.0")));
		Map<String, Object> inspection = this.graphQl.documentName("serviceInspection")
			.variable("name", name)
			.variable("version", "0.1.0")
			.execute()
			.path("service.inspection")
			.entity(Map.class)
			.get();
		assertThat(inspection).containsEntry("exitCode", 3)
			.containsEntry("running", false)
			.containsEntry("restartPolicy", "NO")
			.containsEntry("command", List.of("/bin/sh", "-c", "exit 3"));
		assertThat(inspection.get("finishedAt")).isNotNull();
	}

	@Test
	void killRemovesTheContainerAndTheRowAndOptionallyTheImage() {
		String name = unique("gone");
		String image = "daeploy-test/" + name + ":1";
		this.docker.tagImageCmd(TestImages.BUSYBOX, "daeploy-test/" + name, "1").exec();
		deploy(name, "2.0.0", Map.of("image", image));

		Map<String, Object> killed = this.graphQl.documentName("killService")
			.variable("input", Map.of("name", name, "version", "2.0.0", "removeImage", true))
			.execute()
			.path("killService")
			.entity(Map.class)
			.get();

		assertThat(killed).containsEntry("name", name).containsEntry("imageRemoved", true);
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> this.docker.inspectContainerCmd(containerName(name, "2.0.0")).exec());
		assertThatExceptionOfType(NotFoundException.class).isThrownBy(() -> this.docker.inspectImageCmd(image).exec());
		this.docker.inspectImageCmd(TestImages.BUSYBOX).exec();
		this.graphQl.documentName("services")
			.variable("name", name)
			.execute()
			.path("services")
			.entityList(Map.class)
			.hasSize(0);
	}

	@Test
	void killKeepsAnImageThatAnotherServiceUses() {
		String name = unique("shared");
		deploy(name, "1.0.0", Map.of());
		deploy(name, "1.0.1", Map.of());
		this.graphQl.documentName("killService")
			.variable("input", Map.of("name", name, "version", "1.0.1", "removeImage", true))
			.execute()
			.path("killService.imageRemoved")
			.entity(Boolean.class)
			.isEqualTo(false);
		this.docker.inspectImageCmd(TestImages.BUSYBOX).exec();
		assertThat(state(name, "1.0.0")).isEqualTo("RUNNING");
	}

	Map<String, Object> deploy(String name, String version, Map<String, Object> options) {
		Map<String, Object> input = new java.util.HashMap<>(Map.of("name", name, "version", version, "image",
				TestImages.BUSYBOX, "labels", List.of(Map.of("key", "test.daeploy", "value", "true"))));
		input.putAll(options);
		return this.graphQl.documentName("deployService")
			.variable("input", input)
			.execute()
			.path("deployService.service")
			.entity(Map.class)
			.get();
	}

	String state(String name, String version) {
		return this.graphQl.document("query($n: String!, $v: String!) { service(name: $n, version: $v) { state } }")
			.variable("n", name)
			.variable("v", version)
			.execute()
			.path("service.state")
			.entity(String.class)
			.get();
	}

	void awaitHttp(String url, String expected) {
		await(url + " to answer", () -> {
			try {
				HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url)).build(),
						HttpResponse.BodyHandlers.ofString());
				return response.statusCode() == 200 && response.body().contains(expected);
			}
			catch (java.io.IOException ex) {
				return false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		});
	}

}
