package io.daeploy.manager.service;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.daeploy.manager.TestDocker;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Services cannot reach each other around the proxy: the network the manager makes lets
 * no traffic pass between its containers, so a service is reached only through the proxy,
 * which checks the caller and names it in {@code X-Daeploy-User} (a service calling
 * another directly could forge that header). The same two containers on an ordinary
 * network reach each other, so what stops them is the network, not the probe.
 */
class NetworkIsolationIntegrationTests {

	private final String instance = "iso" + UUID.randomUUID().toString().substring(0, 8);

	private final DockerClient docker = TestDocker.client();

	private ConfigurableApplicationContext manager;

	private String plainNetwork;

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
		for (String network : new String[] { "daeploy-" + this.instance + "-network", this.plainNetwork }) {
			if (network != null) {
				this.docker.listNetworksCmd()
					.withNameFilter(network)
					.exec()
					.forEach((n) -> this.docker.removeNetworkCmd(n.getId()).exec());
			}
		}
		this.docker.close();
	}

	@Test
	void servicesReachEachOtherOnlyThroughTheProxy() throws Exception {
		// no network setting: the manager makes its instance's own network
		this.manager = TestManagers.builder()
			.run("--server.port=0", "--daeploy.proxy.http-port=0", "--daeploy.proxy.dashboard-port=0",
					"--daeploy.proxy.address=127.0.0.1",
					"--daeploy.data-dir=" + Files.createTempDirectory("daeploy-isolation-"),
					"--daeploy.instance=" + this.instance, "--daeploy.auth.enabled=false");
		HttpGraphQlTester graphQl = TestManagers.graphQl(this.manager, null);
		for (String name : List.of("caller", "callee")) {
			graphQl.documentName("deployService")
				.variable("input", Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX))
				.execute()
				.path("deployService.service.state")
				.entity(String.class)
				.isEqualTo("RUNNING");
		}
		String network = "daeploy-" + this.instance + "-network";
		String caller = TestManagers.containerName(this.instance, "caller", "1.0.0");
		String callee = TestManagers.containerName(this.instance, "callee", "1.0.0");
		assertThat(this.docker.inspectNetworkCmd().withNetworkId(network).exec().getOptions())
			.containsEntry("com.docker.network.bridge.enable_icc", "false");
		String calleeAddress = address(callee, network);
		assertThat(fetches(caller, calleeAddress)).as("%s reaching %s directly", caller, callee).isFalse();

		// on an ordinary network the very same probe gets through
		this.plainNetwork = "daeploy-test-" + this.instance;
		this.docker.createNetworkCmd().withName(this.plainNetwork).withLabels(Map.of("daeploy.test", "true")).exec();
		this.docker.connectToNetworkCmd().withNetworkId(this.plainNetwork).withContainerId(caller).exec();
		this.docker.connectToNetworkCmd().withNetworkId(this.plainNetwork).withContainerId(callee).exec();
		String plainAddress = address(callee, this.plainNetwork);
		Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> fetches(caller, plainAddress));
		this.docker.disconnectFromNetworkCmd().withNetworkId(this.plainNetwork).withContainerId(caller).exec();
		this.docker.disconnectFromNetworkCmd().withNetworkId(this.plainNetwork).withContainerId(callee).exec();
	}

	private String address(String container, String network) {
		ContainerNetwork attached = this.docker.inspectContainerCmd(container)
			.exec()
			.getNetworkSettings()
			.getNetworks()
			.get(network);
		assertThat(attached).as("%s on %s", container, network).isNotNull();
		return attached.getIpAddress();
	}

	/**
	 * Whether a container gets the other's page: an HTTP request by hand with busybox nc,
	 * true only when the page's text comes back.
	 */
	private boolean fetches(String container, String address) throws InterruptedException {
		return exitCode(container, "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + address
				+ " 8000 | /bin/busybox grep -q 'daeploy test service'") == 0;
	}

	private long exitCode(String container, String... command) throws InterruptedException {
		ExecCreateCmdResponse exec = this.docker.execCreateCmd(container)
			.withCmd(command)
			.withAttachStdout(true)
			.withAttachStderr(true)
			.exec();
		this.docker.execStartCmd(exec.getId())
			.exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<>())
			.awaitCompletion(20, java.util.concurrent.TimeUnit.SECONDS);
		InspectExecResponse done = this.docker.inspectExecCmd(exec.getId()).exec();
		return (done.getExitCodeLong() != null) ? done.getExitCodeLong() : -1;
	}

}
