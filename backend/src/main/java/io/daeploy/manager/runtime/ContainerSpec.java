package io.daeploy.manager.runtime;

import java.util.List;
import java.util.Map;

/**
 * What to run for one service version. The connector names the container and adds its own
 * labels, network, log rotation and port publishing.
 *
 * @param name service name
 * @param version service version
 * @param image image reference
 * @param port port the service listens on in the container
 * @param env environment, in order; later entries win
 * @param command command overriding the image's, or {@code null}
 * @param volumes volume mounts
 * @param labels extra labels
 * @param restartPolicy restart policy
 * @param memoryBytes memory limit, or {@code null}
 * @param nanoCpus CPU limit in billionths of a core, or {@code null}
 */
public record ContainerSpec(String name, String version, String image, int port, Map<String, String> env,
		List<String> command, List<VolumeMount> volumes, Map<String, String> labels, RestartPolicy restartPolicy,
		Long memoryBytes, Long nanoCpus) {

	/**
	 * A volume mount.
	 *
	 * @param source named volume or absolute host path
	 * @param target absolute path in the container
	 * @param readOnly whether the mount is read-only
	 */
	public record VolumeMount(String source, String target, boolean readOnly) {
	}

	/**
	 * When the runtime restarts a container.
	 */
	public enum RestartPolicy {

		NO, ON_FAILURE, UNLESS_STOPPED, ALWAYS

	}

}
