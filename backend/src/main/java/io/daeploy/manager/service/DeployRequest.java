package io.daeploy.manager.service;

import java.util.List;

import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;

/**
 * A request to deploy a service version from an existing image.
 *
 * @param name service name
 * @param version service version
 * @param image image reference
 * @param port port the service listens on in its container
 * @param env environment variables
 * @param command command overriding the image's, or {@code null}
 * @param volumes volume mounts
 * @param labels extra container labels
 * @param restartPolicy restart policy, {@code UNLESS_STOPPED} when {@code null}
 * @param resources resource limits, or {@code null}
 */
public record DeployRequest(String name, String version, String image, Integer port, List<EnvVar> env,
		List<String> command, List<Volume> volumes, List<Label> labels, RestartPolicy restartPolicy,
		Resources resources) {

	/**
	 * An environment variable.
	 *
	 * @param name variable name
	 * @param value its value
	 * @param secret whether the value is a secret, masked wherever it is shown
	 */
	public record EnvVar(String name, String value, Boolean secret) {

		/**
		 * A variable that is not a secret.
		 * @param name variable name
		 * @param value its value
		 */
		public EnvVar(String name, String value) {
			this(name, value, false);
		}

		/**
		 * Whether the value is a secret.
		 * @return {@code true} when marked so
		 */
		public boolean isSecret() {
			return Boolean.TRUE.equals(this.secret);
		}

	}

	/**
	 * A container label.
	 *
	 * @param key label key
	 * @param value its value
	 */
	public record Label(String key, String value) {
	}

	/**
	 * A volume mount.
	 *
	 * @param source named volume or absolute host path
	 * @param target absolute path in the container
	 * @param readOnly whether the mount is read-only
	 */
	public record Volume(String source, String target, Boolean readOnly) {
	}

	/**
	 * Resource limits.
	 *
	 * @param memoryMb memory limit in MiB, or {@code null}
	 * @param cpus CPU limit in cores, or {@code null}
	 */
	public record Resources(Integer memoryMb, Double cpus) {
	}

}
