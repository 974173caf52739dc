package io.daeploy.manager.runtime;

import java.time.Instant;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The port to the container runtime. Docker is the first implementation; Swarm and
 * Kubernetes come later behind the same interface. No runtime library type crosses it.
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
	 * @return the started container, with its published address
	 */
	Mono<ContainerInfo> deploy(ContainerSpec spec);

	/**
	 * Lists every container of this manager, running or not, in one runtime call.
	 * @return the containers
	 */
	Flux<ContainerInfo> list();

	/**
	 * Finds one container of this manager.
	 * @param name service name
	 * @param version service version
	 * @return the container, or empty when there is none
	 */
	Mono<ContainerInfo> find(String name, String version);

	/**
	 * Follows what happens to this manager's containers, from now on, until cancelled.
	 * Cancelling closes the runtime's stream.
	 * @return the events
	 */
	Flux<ContainerEvent> events();

	/**
	 * Reads a container's log, stdout and stderr, with the runtime's timestamps. The
	 * stream honours back-pressure: a slow subscriber slows the reading, nothing piles up
	 * in memory. Cancelling closes the runtime's stream.
	 * @param containerName the container's name
	 * @param tail how many of the last lines to start with; negative for all
	 * @param since only lines written at or after this time, or {@code null}
	 * @param follow whether to go on with new lines until the container stops
	 * @return the lines, oldest first
	 */
	Flux<LogLine> logs(String containerName, int tail, Instant since, boolean follow);

	/**
	 * Reads the live details of one container.
	 * @param containerName the container's name
	 * @return its details, or empty when there is no such container
	 */
	Mono<ContainerDetails> inspect(String containerName);

	/**
	 * Removes a container, killing it if it runs. A missing container is not an error.
	 * @param containerName the container's name
	 * @return whether a container was removed
	 */
	Mono<Boolean> remove(String containerName);

	/**
	 * Removes an image unless a container still uses it.
	 * @param image the image reference
	 * @return whether the image was removed
	 */
	Mono<Boolean> removeImage(String image);

	/**
	 * The names of every label this connector sets on the containers it creates.
	 * @return reserved label keys
	 */
	List<String> reservedLabels();

}
