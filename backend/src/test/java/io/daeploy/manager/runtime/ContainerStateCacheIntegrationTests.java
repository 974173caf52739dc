package io.daeploy.manager.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime's event stream and the state cache it keeps current: lists see changes made
 * behind the manager's back without asking the runtime per list.
 */
class ContainerStateCacheIntegrationTests extends ManagerIntegrationTests {

	@Autowired
	RuntimeConnector runtime;

	@Autowired
	ContainerStateCache cache;

	@Test
	void eventsReportWhatHappensToOurContainersAndCancelCleanly() {
		String name = unique("evented");
		StepVerifier.create(this.runtime.events(null).filter((event) -> event.name().equals(name)))
			.then(() -> deploy(name))
			.expectNextMatches((event) -> event.version().equals("1.0.0") && event.action().equals("create"))
			.thenConsumeWhile((event) -> !event.action().equals("start"))
			.thenCancel()
			.verify(Duration.ofSeconds(30));
	}

	@Test
	void theCacheFollowsChangesMadeBehindTheManagersBack() {
		await("the cache to follow the runtime", this.cache::isLive);
		String name = unique("behind");
		deploy(name);
		assertThat(state(name)).isEqualTo("RUNNING");

		this.docker.stopContainerCmd(containerName(name, "1.0.0")).withTimeout(0).exec();
		await("the stop to show", () -> "EXITED".equals(state(name)));
		this.docker.startContainerCmd(containerName(name, "1.0.0")).exec();
		await("the start to show", () -> "RUNNING".equals(state(name)));
		this.docker.removeContainerCmd(containerName(name, "1.0.0")).withForce(true).exec();
		await("the removal to show", () -> "MISSING".equals(state(name)));
		assertThat(this.cache.isLive()).isTrue();
	}

	private void deploy(String name) {
		this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
	}

	private String state(String name) {
		return this.graphQl.document("query($n: String!) { services(name: $n) { state } }")
			.variable("n", name)
			.execute()
			.path("services[0].state")
			.entity(String.class)
			.get();
	}

}
