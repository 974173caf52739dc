package io.daeploy.manager.deployment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps a deployment may take.
 */
class DeploymentStateTests {

	@Test
	void deploysStopsAndRestartsGoTheirWayAndEndedOnesStay() {
		assertThat(DeploymentState.QUEUED.allows(DeploymentState.BUILDING)).isTrue();
		assertThat(DeploymentState.BUILDING.allows(DeploymentState.STARTING)).isTrue();
		assertThat(DeploymentState.QUEUED.allows(DeploymentState.STARTING)).isTrue();
		assertThat(DeploymentState.STARTING.allows(DeploymentState.RUNNING)).isTrue();
		assertThat(DeploymentState.QUEUED.allows(DeploymentState.STOPPING)).isTrue();
		assertThat(DeploymentState.STOPPING.allows(DeploymentState.STOPPED)).isTrue();
		assertThat(DeploymentState.STOPPING.allows(DeploymentState.STARTING)).isTrue();
		assertThat(DeploymentState.BUILDING.allows(DeploymentState.RUNNING)).isFalse();
		assertThat(DeploymentState.QUEUED.allows(DeploymentState.RUNNING)).isFalse();
		assertThat(DeploymentState.STARTING.allows(DeploymentState.BUILDING)).isFalse();
		for (DeploymentState ended : DeploymentState.values()) {
			if (ended.isFinal()) {
				for (DeploymentState next : DeploymentState.values()) {
					assertThat(ended.allows(next)).as("%s -> %s", ended, next).isFalse();
				}
			}
			else {
				assertThat(ended.allows(DeploymentState.FAILED)).isTrue();
				assertThat(ended.allows(DeploymentState.CANCELLED)).isTrue();
			}
		}
	}

	@Test
	void healthChecksAreCheckedAndDefaulted() {
		HealthCheck check = HealthCheck.of(null, null, null, null);
		assertThat(check).isEqualTo(new HealthCheck(HealthCheck.Kind.HTTP, "/", 1000, 60000));
		assertThat(HealthCheck.of(HealthCheck.Kind.TCP, null, 0.5, 5.0).intervalMillis()).isEqualTo(500);
		for (Object[] bad : new Object[][] { { "health", 1.0, 60.0 }, { "/a b", 1.0, 60.0 }, { "/", 0.0, 60.0 },
				{ "/", 1.0, 0.5 }, { "/", 30.0, 10.0 }, { "/", Double.NaN, 10.0 } }) {
			org.assertj.core.api.Assertions.assertThatExceptionOfType(io.daeploy.manager.error.DaeployException.class)
				.isThrownBy(() -> HealthCheck.of(null, (String) bad[0], (Double) bad[1], (Double) bad[2]));
		}
	}

}
