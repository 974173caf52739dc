package io.daeploy.manager.runtime;

import java.time.Instant;

/**
 * One observation of a container of this manager.
 * <p>
 * Observations reach the manager by several paths (the deploy's own answer, the refresh
 * after an event, a snapshot) and in any order. {@link #changedAt} orders them: it is the
 * runtime's time of the last state change the observation reflects, so an observation
 * with an earlier time must never replace one with a later time.
 *
 * @param id container id
 * @param containerName the container's name
 * @param name service name (from the container's labels)
 * @param version service version (from the container's labels)
 * @param image image reference the container was created with
 * @param port service port inside the container (from the labels), 0 when unknown
 * @param state container state
 * @param publishedAddress {@code host:port} the service port is published on, or
 * {@code null}
 * @param createdAt when the container was created
 * @param changedAt the runtime's time of the last change this observation reflects
 * (creation, last start or last exit, whichever is latest); {@code null} when the
 * observation came from a list that carries no such time
 */
public record ContainerInfo(String id, String containerName, String name, String version, String image, int port,
		ContainerState state, String publishedAddress, Instant createdAt, Instant changedAt) {

	/**
	 * Whether this observation reflects a later state than another of the same service
	 * version. An observation without a time is never later than one with a time.
	 * @param other the observation held now
	 * @return {@code true} when this one is strictly later
	 */
	public boolean isLaterThan(ContainerInfo other) {
		if (this.changedAt == null) {
			return false;
		}
		return other.changedAt == null || this.changedAt.isAfter(other.changedAt);
	}

	/**
	 * Whether this observation reflects the same moment as another: same container, same
	 * time of change.
	 * @param other the observation held now
	 * @return {@code true} when neither is later than the other
	 */
	public boolean isAsLateAs(ContainerInfo other) {
		return this.id.equals(other.id) && this.changedAt != null && this.changedAt.equals(other.changedAt);
	}

}
