package io.daeploy.manager.service;

import io.daeploy.manager.runtime.ContainerState;

/**
 * The state of a service version as users see it.
 */
public enum ServiceState {

	CREATED, RUNNING, RESTARTING, PAUSED, EXITED, DEAD, REMOVING,
	/** The store knows the service but the runtime has no container for it. */
	MISSING,
	/** The runtime is unavailable. */
	UNKNOWN;

	static ServiceState of(ContainerState state) {
		return switch (state) {
			case CREATED -> CREATED;
			case RUNNING -> RUNNING;
			case RESTARTING -> RESTARTING;
			case PAUSED -> PAUSED;
			case EXITED -> EXITED;
			case DEAD -> DEAD;
			case REMOVING -> REMOVING;
			case UNKNOWN -> UNKNOWN;
		};
	}

}
