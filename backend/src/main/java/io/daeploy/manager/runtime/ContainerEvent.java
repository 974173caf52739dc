package io.daeploy.manager.runtime;

/**
 * Something happened to one of this manager's containers.
 *
 * @param name service name
 * @param version service version
 * @param action what happened, in the runtime's words ({@code start}, {@code die},
 * {@code destroy}...)
 */
public record ContainerEvent(String name, String version, String action) {

}
