package io.daeploy.manager.runtime;

import java.time.Instant;

/**
 * A container of this manager, as listed by the runtime.
 *
 * @param id container id
 * @param name service name (from the container's labels)
 * @param version service version (from the container's labels)
 * @param image image reference the container was created with
 * @param port service port inside the container (from the labels), 0 when unknown
 * @param state container state
 * @param publishedAddress {@code host:port} the service port is published on, or
 * {@code null}
 * @param createdAt when the container was created
 */
public record ContainerInfo(String id, String name, String version, String image, int port, ContainerState state,
		String publishedAddress, Instant createdAt) {

}
