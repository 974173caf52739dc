package io.daeploy.manager.deployment;

import io.daeploy.manager.runtime.LogLine;

/**
 * One event of a deployment: its new state, or a line of its log.
 *
 * @param deploymentId the deployment
 * @param sequence its number in the deployment's events, increasing
 * @param state the new state, or {@code null} for a log line
 * @param deployment the deployment as it is after a state change, or {@code null}
 * @param line the log line, or {@code null} for a state change
 */
public record DeploymentEvent(long deploymentId, long sequence, DeploymentState state, Deployment deployment,
		LogLine line) {

	boolean isFinal() {
		return this.state != null && this.state.isFinal();
	}

}
