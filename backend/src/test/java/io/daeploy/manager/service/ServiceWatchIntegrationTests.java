package io.daeploy.manager.service;

import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service whose container stops by itself raises a manager notification; one the
 * manager kills does not.
 */
class ServiceWatchIntegrationTests extends ManagerIntegrationTests {

	@Test
	void anUnexpectedStopIsNotifiedAndAKillIsNot() {
		String crashing = unique("crash");
		String killed = unique("killed");
		deploy(crashing, List.of("sh", "-c", "sleep 2; exit 3"));
		deploy(killed, List.of("sh", "-c", "exec sleep 1000"));
		this.graphQl.document("mutation($n: String!) { killService(input: {name: $n, version: \"1.0.0\"}) { name } }")
			.variable("n", killed)
			.executeAndVerify();

		await("the crash to be notified",
				() -> managerMessages().contains("Service " + crashing + " 1.0.0 stopped unexpectedly (exit code 3)"));
		assertThat(managerMessages()).noneSatisfy((message) -> assertThat(message).contains(killed));
	}

	private List<String> managerMessages() {
		return this.graphQl
			.document("{ notifications(serviceName: \"Manager\", first: 500) { notifications { message } } }")
			.execute()
			.path("notifications.notifications[*].message")
			.entityList(String.class)
			.get();
	}

	private void deploy(String name, List<String> command) {
		this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "restartPolicy", "NO",
							"command", command, "labels", List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.executeAndVerify();
	}

}
