package io.daeploy.manager.runtime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The port to the runtime's images and build containers: what Source-to-Image builds
 * need. No runtime library type crosses it.
 * <p>
 * Everything this port creates (build containers, committed images) carries the manager's
 * labels, the deployment and the instance, so a manager that restarts after a crash finds
 * and removes what an interrupted build left behind. Failures are signalled with
 * {@link RuntimeFailure}s.
 */
public interface RuntimeImages {

	/** The label naming the deployment that made a build container or a built image. */
	String DEPLOYMENT_LABEL = "daeploy.deployment";

	/**
	 * The image a service version is built as: {@code <name>:<version>} in the default
	 * instance, scoped by the instance outside it so two managers never clash.
	 * @param name service name
	 * @param version service version
	 * @return the image reference
	 */
	String imageName(String name, String version);

	/**
	 * Reads an image's facts.
	 * @param reference image reference or id
	 * @return the image, or empty when it is not on the runtime
	 */
	Mono<ImageInfo> inspect(String reference);

	/**
	 * Pulls an image from its registry.
	 * @param reference image reference
	 * @return completion; {@link RuntimeFailure.Kind#IMAGE_NOT_FOUND} when it cannot be
	 * pulled
	 */
	Mono<Void> pull(String reference);

	/**
	 * Builds an image from a Dockerfile context, from local images only (nothing is
	 * pulled).
	 * @param context a tar of the build context, holding a {@code Dockerfile}
	 * @param tag the image to tag
	 * @param buildArgs build arguments
	 * @param labels labels of the image
	 * @return the build's output, line by line; an error when the build fails
	 */
	Flux<LogLine> build(Path context, String tag, Map<String, String> buildArgs, Map<String, String> labels);

	/**
	 * Loads images from a {@code docker save} tarball.
	 * @param tarball the tarball
	 * @return the loaded images' references (or ids when untagged), in the tarball's
	 * order; an error when the tarball is not one
	 */
	Mono<List<String>> load(Path tarball);

	/**
	 * Creates (without starting) a build container of a deployment.
	 * @param spec what to run
	 * @return the container's id
	 */
	Mono<String> createBuildContainer(BuildContainerSpec spec);

	/**
	 * Extracts a tar into a container, created or running.
	 * @param containerId the container
	 * @param directory an existing directory in the container
	 * @param tar the tar to extract there
	 * @return completion
	 */
	Mono<Void> copyInto(String containerId, String directory, Path tar);

	/**
	 * Starts a container and follows its output until it exits. The stream honours
	 * back-pressure; cancelling it closes the runtime's stream (the container goes on).
	 * @param containerId the container
	 * @return its output, stdout and stderr, oldest first
	 */
	Flux<LogLine> startAndFollow(String containerId);

	/**
	 * Waits for a container to exit.
	 * @param containerId the container
	 * @return its exit code
	 */
	Mono<Integer> awaitExit(String containerId);

	/**
	 * Commits a container as an image, keeping the container's labels and environment.
	 * @param containerId the container
	 * @param image the image reference to tag
	 * @param command the image's command
	 * @return the image's id
	 */
	Mono<String> commit(String containerId, String image, List<String> command);

	/**
	 * Removes a container, killing it if it runs. A missing one is not an error.
	 * @param containerId the container
	 * @return whether one was removed
	 */
	Mono<Boolean> removeContainer(String containerId);

	/**
	 * Removes an image unless a container uses it. A missing one is not an error.
	 * @param reference image reference or id
	 * @return whether it was removed
	 */
	Mono<Boolean> removeImage(String reference);

	/**
	 * The images this manager built, tagged or not.
	 * @param name only this service's, or all when {@code null}
	 * @return the images, newest first
	 */
	Flux<ImageInfo> builtImages(String name);

	/**
	 * The ids of this manager's build containers, of any deployment, running or not.
	 * @return the ids
	 */
	Flux<String> buildContainers();

	/**
	 * What to run in a build container.
	 *
	 * @param deploymentId the deployment it builds for
	 * @param name service name
	 * @param version service version
	 * @param image the builder image
	 * @param command the command (the {@code assemble} script)
	 * @param env its environment
	 */
	record BuildContainerSpec(String deploymentId, String name, String version, String image, List<String> command,
			Map<String, String> env) {
	}

	/**
	 * The facts of one image.
	 *
	 * @param id image id
	 * @param tags its references, empty when untagged
	 * @param labels its labels
	 * @param user the user its containers run as, empty for the default
	 * @param createdAt when it was created
	 */
	record ImageInfo(String id, List<String> tags, Map<String, String> labels, String user, Instant createdAt) {
	}

}
