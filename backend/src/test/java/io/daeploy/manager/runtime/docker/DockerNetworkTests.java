package io.daeploy.manager.runtime.docker;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.daeploy.manager.TestDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The services' network is made once, however many callers ask for it at the same time: a
 * manager in a container ensures it on every first listing, beside deploys, and engines
 * before 25 take a second network of the same name.
 */
class DockerNetworkTests {

	private final String instance = "nettest" + UUID.randomUUID().toString().substring(0, 8);

	private final String network = "daeploy-" + this.instance + "-network";

	private final DockerClient docker = TestDocker.client();

	private final Scheduler scheduler = Schedulers.newBoundedElastic(16, 1000, "test-docker");

	@AfterEach
	void cleanUp() throws Exception {
		try {
			for (Network made : networks()) {
				this.docker.removeNetworkCmd(made.getId()).exec();
			}
		}
		finally {
			this.scheduler.dispose();
			this.docker.close();
		}
	}

	@Test
	void listingsAtTheSameTimeMakeOneNetwork() throws Exception {
		DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
		DockerHttpClient logs = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build();
		try (DockerClient client = TestDocker.client();
				DockerRuntimeConnector connector = new DockerRuntimeConnector(client, TestDocker.client(), logs,
						this.scheduler, this.scheduler,
						new DockerRuntimeConnector.Settings(this.network, this.instance, false, 4))) {
			Flux.range(0, 8)
				.flatMap((i) -> connector.list().collectList(), 8)
				.collectList()
				.block(Duration.ofSeconds(60));
		}
		assertThat(networks()).hasSize(1);
	}

	private List<Network> networks() {
		return this.docker.listNetworksCmd()
			.withNameFilter(this.network)
			.exec()
			.stream()
			.filter((candidate) -> this.network.equals(candidate.getName()))
			.toList();
	}

}
