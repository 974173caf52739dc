package io.daeploy.manager.runtime;

import java.time.Instant;

/**
 * Something happened to one of this manager's containers.
 *
 * @param id the container's id
 * @param name service name
 * @param version service version
 * @param action what happened, in the runtime's words ({@code start}, {@code die},
 * {@code destroy}...)
 * @param exitCode the exit code, when the container stopped
 * @param time when it happened, by the runtime's clock
 */
public record ContainerEvent(String id, String name, String version, String action, Integer exitCode, Instant time) {

	/**
	 * Whether the container stopped.
	 * @return {@code true} for the runtime's {@code die}
	 */
	public boolean died() {
		return "die".equals(this.action);
	}

	/**
	 * Whether the container is gone for good.
	 * @return {@code true} for the runtime's {@code destroy}
	 */
	public boolean destroyed() {
		return "destroy".equals(this.action);
	}

}
