package io.daeploy.manager;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports.Binding;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * A {@link PrivateDockerEngine} is an engine of its own: it loads an image from the
 * shared engine, publishes a container's port on 127.0.0.1 without iptables, keeps its
 * image and container over a restart, and leaves nothing behind when closed.
 */
class PrivateDockerEngineTests {

	private static final ExposedPort HTTP = ExposedPort.tcp(8000);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void servesPublishedPortsSurvivesARestartAndLeavesNothingBehind() throws IOException {
		TestImages.ensure();
		Path directory;
		String bridge;
		try (PrivateDockerEngine engine = PrivateDockerEngine.launch()) {
			directory = engine.directory();
			assertThat(engine.host()).isEqualTo("unix://" + directory.resolve("docker.sock"));
			engine.loadFrom(TestImages.BUSYBOX);
			String container;
			try (DockerClient docker = engine.client(); DockerClient shared = TestDocker.client()) {
				assertThat(docker.infoCmd().exec().getId()).isNotEqualTo(shared.infoCmd().exec().getId());
				String network = docker.createNetworkCmd()
					.withName("daeploy-test-private")
					.withDriver("bridge")
					.withLabels(Map.of("test.daeploy", "true"))
					.exec()
					.getId();
				bridge = "br-" + network.substring(0, 12);
				assertThat(shared.listNetworksCmd().withNameFilter("daeploy-test-private").exec()).isEmpty();
				container = docker.createContainerCmd(TestImages.BUSYBOX)
					.withName("daeploy-test-private-httpd")
					.withLabels(Map.of("test.daeploy", "true"))
					.withExposedPorts(HTTP)
					// httpd is PID 1 and ignores SIGTERM: without this each engine stop
					// waits 10 s
					.withStopTimeout(1)
					.withHostConfig(HostConfig.newHostConfig()
						.withNetworkMode("daeploy-test-private")
						.withPortBindings(new PortBinding(Binding.bindIp("127.0.0.1"), HTTP)))
					.exec()
					.getId();
				docker.startContainerCmd(container).exec();
				awaitServing(docker, container);
			}

			engine.stop();
			assertThat(engine.answers()).isFalse();
			try (DockerClient docker = engine.client()) {
				assertThatException().isThrownBy(() -> docker.pingCmd().exec());
			}

			engine.start();
			try (DockerClient docker = engine.client()) {
				assertThat(docker.inspectImageCmd(TestImages.BUSYBOX).exec().getRepoTags())
					.contains(TestImages.BUSYBOX);
				// live restore: the container ran on while the engine was down
				assertThat(docker.inspectContainerCmd(container).exec().getState().getRunning()).isTrue();
				awaitServing(docker, container);
			}
		}
		assertThat(directory).doesNotExist();
		assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(directory.toString());
		assertThat(Path.of("/sys/class/net", bridge)).doesNotExist();
		assertThat(Path.of("/sys/class/net/docker0")).as("the shared engine's bridge").exists();
		assertThat(ProcessHandle.allProcesses().filter((process) -> mentions(process, directory)))
			.as("processes of the closed engine")
			.isEmpty();
	}

	private void awaitServing(DockerClient docker, String container) {
		Binding[] bindings = docker.inspectContainerCmd(container)
			.exec()
			.getNetworkSettings()
			.getPorts()
			.getBindings()
			.get(HTTP);
		assertThat(bindings).hasSize(1);
		assertThat(bindings[0].getHostIp()).isEqualTo("127.0.0.1");
		URI uri = URI.create("http://127.0.0.1:" + bindings[0].getHostPortSpec() + "/");
		await("the container to serve " + uri).atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> status(uri) == 200);
	}

	private int status(URI uri) {
		try {
			return this.http
				.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	private static boolean mentions(ProcessHandle process, Path directory) {
		try {
			return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline")),
					StandardCharsets.UTF_8)
				.contains(directory.toString());
		}
		catch (IOException ex) {
			return false;
		}
	}

}
