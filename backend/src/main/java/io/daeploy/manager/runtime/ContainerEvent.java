package io.daeploy.manager.runtime;

/**
 * Something happened to one of this manager's containers.
 *
 * @param name service name
 * @param version service version
 * @param action what happened, in the runtime's words ({@code start}, {@code die},
 * {@code destroy}...)
 * @param exitCode the exit code, when the container stopped
 */
public record ContainerEvent(String name, String version, String action, Integer exitCode) {

	/**
	 * Whether the container stopped.
	 * @return {@code true} for the runtime's {@code die}
	 */
	public boolean died() {
		return "die".equals(this.action);
	}

}
