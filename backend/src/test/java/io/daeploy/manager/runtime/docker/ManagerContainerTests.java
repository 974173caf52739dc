package io.daeploy.manager.runtime.docker;

import java.util.Map;
import java.util.UUID;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.daeploy.manager.TestDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager in a container finds its own container and joins the services' network as
 * {@code daeploy-manager}: on a real engine, with a busybox container standing in for the
 * manager's.
 */
class ManagerContainerTests {

	private static final String ID = "3f1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a";

	private final DockerClient docker = TestDocker.client();

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final String network = "daeploy-test-join-" + this.suffix;

	private String container;

	private boolean networkMade;

	@AfterEach
	void cleanUp() throws Exception {
		try {
			if (this.container != null) {
				this.docker.removeContainerCmd(this.container).withForce(true).exec();
			}
			if (this.networkMade) {
				this.docker.removeNetworkCmd(this.network).exec();
			}
		}
		finally {
			this.docker.close();
		}
	}

	@Test
	void theIdComesFromTheEnginesMountsOfHostnameAndHosts() {
		String mountinfo = "612 590 0:52 / / rw,relatime master:1 - overlay overlay rw\n"
				+ "625 612 254:0 /var/lib/docker/containers/" + ID
				+ "/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda rw\n"
				+ "626 612 254:0 /var/lib/docker/containers/" + ID
				+ "/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw\n";
		assertThat(ManagerContainer.id(mountinfo, "custom-name")).isEqualTo(ID);
	}

	@Test
	void withoutSuchMountsAShortIdHostNameIsTheId() {
		String mountinfo = "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n";
		assertThat(ManagerContainer.id(mountinfo, "3f1c2b9a8d7e")).isEqualTo("3f1c2b9a8d7e");
		assertThat(ManagerContainer.id(mountinfo, "my-laptop")).isNull();
		assertThat(ManagerContainer.id(null, null)).isNull();
	}

	@Test
	void aContainerJoinsTheNetworkWithTheAliasOnceAndStaysThere() {
		createNetworkAndContainer();
		assertThat(ManagerContainer.join(this.docker, this.network, this.container)).isTrue();
		assertThat(aliasesOnNetwork()).contains(ManagerContainer.ALIAS);
		// a second call finds it there and changes nothing
		assertThat(ManagerContainer.join(this.docker, this.network, this.container)).isTrue();
		assertThat(aliasesOnNetwork()).contains(ManagerContainer.ALIAS);
	}

	@Test
	void aContainerOnTheNetworkWithoutTheAliasIsReconnectedWithIt() {
		createNetworkAndContainer();
		this.docker.connectToNetworkCmd().withContainerId(this.container).withNetworkId(this.network).exec();
		assertThat(aliasesOnNetwork()).doesNotContain(ManagerContainer.ALIAS);
		assertThat(ManagerContainer.join(this.docker, this.network, this.container)).isTrue();
		assertThat(aliasesOnNetwork()).contains(ManagerContainer.ALIAS);
	}

	@Test
	void anUnknownContainerIsReportedNotThrown() {
		createNetworkAndContainer();
		assertThat(ManagerContainer.join(this.docker, this.network, "0123456789ab")).isFalse();
		assertThat(ManagerContainer.join(this.docker, this.network, null)).isFalse();
	}

	private void createNetworkAndContainer() {
		this.docker.createNetworkCmd()
			.withName(this.network)
			.withDriver("bridge")
			.withLabels(Map.of("test.daeploy", "true"))
			.exec();
		this.networkMade = true;
		this.container = this.docker.createContainerCmd("daeploy-test/busybox:1")
			.withName("daeploy-test-join-" + this.suffix)
			.withLabels(Map.of("test.daeploy", "true"))
			.exec()
			.getId();
		this.docker.startContainerCmd(this.container).exec();
	}

	private java.util.List<String> aliasesOnNetwork() {
		Map<String, ContainerNetwork> networks = this.docker.inspectContainerCmd(this.container)
			.exec()
			.getNetworkSettings()
			.getNetworks();
		ContainerNetwork on = networks.get(this.network);
		assertThat(on).as("on " + this.network).isNotNull();
		return (on.getAliases() != null) ? on.getAliases() : java.util.List.of();
	}

}
