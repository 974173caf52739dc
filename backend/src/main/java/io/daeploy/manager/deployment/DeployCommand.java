package io.daeploy.manager.deployment;

import java.util.List;

import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;
import io.daeploy.manager.service.DeployRequest;

/**
 * A deploy as submitted: the version, exactly one source, and its options.
 *
 * @param name service name
 * @param version service version
 * @param image an existing image (today's top-level field), or {@code null}
 * @param source the source, or {@code null} when {@code image} is given
 * @param builderImage the S2I builder for a build, or {@code null} for the default
 * @param healthCheck the version's health check, or {@code null}
 * @param port the port the service listens on
 * @param env environment variables
 * @param command command overriding the image's
 * @param volumes volume mounts
 * @param labels extra labels
 * @param restartPolicy restart policy
 * @param resources resource limits
 */
public record DeployCommand(String name, String version, String image, Source source, String builderImage,
		Health healthCheck, Integer port, List<DeployRequest.EnvVar> env, List<String> command,
		List<DeployRequest.Volume> volumes, List<DeployRequest.Label> labels, RestartPolicy restartPolicy,
		DeployRequest.Resources resources) {

	DeployRequest request(String runs) {
		return new DeployRequest(this.name, this.version, runs, this.port, this.env, this.command, this.volumes,
				this.labels, this.restartPolicy, this.resources);
	}

	/**
	 * Where the version comes from: exactly one of the fields.
	 *
	 * @param image an existing image
	 * @param git a git repository
	 * @param tar an uploaded archive of the source folder
	 * @param pickle an uploaded pickled model
	 * @param imageUpload an uploaded {@code docker save} tarball
	 */
	public record Source(String image, Git git, Upload tar, Pickle pickle, Upload imageUpload) {
	}

	/**
	 * A git repository.
	 *
	 * @param url its URL
	 * @param ref a branch, tag or commit, or {@code null}
	 */
	public record Git(String url, String ref) {
	}

	/**
	 * An upload.
	 *
	 * @param uploadId its id
	 */
	public record Upload(String uploadId) {
	}

	/**
	 * An uploaded pickle.
	 *
	 * @param uploadId its id
	 * @param requirements pip requirements of the model
	 */
	public record Pickle(String uploadId, List<String> requirements) {
	}

	/**
	 * A requested health check.
	 *
	 * @param kind HTTP or TCP
	 * @param path the HTTP path
	 * @param intervalSeconds seconds between attempts
	 * @param timeoutSeconds seconds the version has to pass
	 */
	public record Health(HealthCheck.Kind kind, String path, Double intervalSeconds, Double timeoutSeconds) {
	}

}
