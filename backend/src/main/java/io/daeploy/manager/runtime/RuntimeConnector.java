package io.daeploy.manager.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The port to the container runtime. Docker is the first implementation; Swarm and
 * Kubernetes come later behind the same interface. No runtime library type crosses it.
 * <p>
 * Containers are named by service name and version; the connector decides the runtime's
 * own names (scoped by the manager's instance), so callers never build them.
 * <p>
 * Failures are signalled with {@link RuntimeFailure} subclasses.
 */
public interface RuntimeConnector {

	/**
	 * Asks the runtime whether it answers.
	 * @return its status; never an error
	 */
	Mono<RuntimeStatus> status();

	/**
	 * Creates and starts a container for a service version.
	 * @param spec what to run
	 * @return the started container as observed right after the start, with its published
	 * address and {@link ContainerInfo#changedAt}
	 */
	Mono<ContainerInfo> deploy(ContainerSpec spec);

	/**
	 * Lists every container of this manager, running or not, in one runtime call. A list
	 * carries no time of change ({@link ContainerInfo#changedAt} is {@code null}).
	 * @return the containers
	 */
	Flux<ContainerInfo> list();

	/**
	 * Observes one container of this manager by its id, with its time of change.
	 * @param id the container's id
	 * @return the observation, or empty when there is no such container of this manager
	 */
	Mono<ContainerInfo> observe(String id);

	/**
	 * The runtime's clock, for {@link #events(Instant)}.
	 * @return the runtime's current time
	 */
	Mono<Instant> time();

	/**
	 * Follows what happens to this manager's containers until cancelled, starting at a
	 * time by the runtime's clock: events since then are replayed, so a caller that takes
	 * the time, then subscribes, then reads a snapshot misses nothing in between.
	 * Cancelling closes the runtime's stream.
	 * @param since the first moment to report, by {@link #time()}; {@code null} for now
	 * @return the events
	 */
	Flux<ContainerEvent> events(Instant since);

	/**
	 * Reads a service version's container log, stdout and stderr, with the runtime's
	 * timestamps. The stream honours back-pressure: the runtime's stream is read only as
	 * the subscriber asks, nothing piles up in memory. Cancelling closes the runtime's
	 * stream.
	 * @param name service name
	 * @param version service version
	 * @param tail how many of the last lines to start with; negative for all
	 * @param since only lines written at or after this time, or {@code null}
	 * @param follow whether to go on with new lines until the container stops
	 * @return the lines, oldest first
	 */
	Flux<LogLine> logs(String name, String version, int tail, Instant since, boolean follow);

	/**
	 * Reads the live details of a service version's container.
	 * @param name service name
	 * @param version service version
	 * @return its details, or empty when there is no such container
	 */
	Mono<ContainerDetails> inspect(String name, String version);

	/**
	 * Removes a service version's container, killing it if it runs. A missing container
	 * is not an error.
	 * @param name service name
	 * @param version service version
	 * @return whether a container was removed
	 */
	Mono<Boolean> remove(String name, String version);

	/**
	 * Stops a service version's container; it stays, so {@link #start} can start it
	 * again. A container that is not running is left as it is.
	 * @param name service name
	 * @param version service version
	 * @param timeout how long the service may take to exit before it is killed
	 * @return whether there was a container
	 */
	Mono<Boolean> stop(String name, String version, Duration timeout);

	/**
	 * Starts a service version's existing container; a running one is left as it is.
	 * @param name service name
	 * @param version service version
	 * @return the container as observed right after the start, or empty when there is no
	 * such container
	 */
	Mono<ContainerInfo> start(String name, String version);

	/**
	 * Removes an image unless a container still uses it.
	 * @param image the image reference
	 * @return whether the image was removed
	 */
	Mono<Boolean> removeImage(String image);

	/**
	 * Reads a container the original Daeploy made for a service version: named
	 * {@code daeploy-<name>-<version>}, labelled {@code daeploy.type=service} and by no
	 * manager of this kind. Its port is the one it exposes, or 0 when it exposes none or
	 * several.
	 * @param name service name
	 * @param version service version
	 * @return its details, or empty when there is no such container
	 */
	default Mono<ContainerDetails> inspectOriginal(String name, String version) {
		return Mono.empty();
	}

	/**
	 * Removes a container the original Daeploy made ({@link #inspectOriginal}), killing
	 * it if it runs; a container of any manager of this kind is never touched.
	 * @param name service name
	 * @param version service version
	 * @return whether a container was removed
	 */
	default Mono<Boolean> removeOriginal(String name, String version) {
		return Mono.just(false);
	}

	/**
	 * The runtime's name of a service version's container.
	 * @param name service name
	 * @param version service version
	 * @return e.g. {@code daeploy-<name>-<version>}
	 */
	String containerName(String name, String version);

	/**
	 * The names of every label this connector sets on the containers it creates.
	 * @return reserved label keys
	 */
	List<String> reservedLabels();

}
