package io.daeploy.manager.deployment;

/**
 * Where a deployment is. A deploy goes {@code QUEUED -> BUILDING -> STARTING -> RUNNING}
 * (an image deploy skips {@code BUILDING}); a start
 * {@code QUEUED -> STARTING -> RUNNING}; a restart
 * {@code QUEUED -> STOPPING -> STARTING -> RUNNING}; a stop
 * {@code QUEUED -> STOPPING -> STOPPED}. Any of them may end {@code FAILED} or
 * {@code CANCELLED} instead, with a reason.
 */
public enum DeploymentState {

	QUEUED, BUILDING, STARTING, STOPPING, RUNNING, STOPPED, FAILED, CANCELLED;

	/**
	 * Whether the deployment has ended.
	 * @return {@code true} for {@code RUNNING}, {@code STOPPED}, {@code FAILED} and
	 * {@code CANCELLED}
	 */
	public boolean isFinal() {
		return this == RUNNING || this == STOPPED || this == FAILED || this == CANCELLED;
	}

	/**
	 * Whether a deployment may go from this state to another.
	 * @param next the next state
	 * @return {@code true} when the step is allowed
	 */
	boolean allows(DeploymentState next) {
		if (isFinal()) {
			return false;
		}
		return switch (next) {
			case QUEUED -> false;
			case BUILDING -> this == QUEUED;
			case STOPPING -> this == QUEUED;
			case STARTING -> this == QUEUED || this == BUILDING || this == STOPPING;
			case RUNNING -> this == STARTING;
			case STOPPED -> this == STOPPING;
			case FAILED, CANCELLED -> true;
		};
	}

}
