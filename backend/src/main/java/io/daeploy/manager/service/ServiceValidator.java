package io.daeploy.manager.service;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;

/**
 * Checks a deploy request and turns it into the options stored with the version. Pure: no
 * store, no runtime, so every rule is proven by unit tests. Failures name the request's
 * fields plainly ({@code name}, {@code env[2]}, {@code volumes[0].source}).
 */
final class ServiceValidator {

	private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");

	private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

	private static final Pattern IMAGE = Pattern.compile("[^\\s\\x00]{1,255}");

	private static final long MIB = 1024L * 1024L;

	private final Set<String> reservedLabels;

	/**
	 * A validator.
	 * @param reservedLabels label keys the runtime sets itself, which requests may not
	 */
	ServiceValidator(Set<String> reservedLabels) {
		this.reservedLabels = Set.copyOf(reservedLabels);
	}

	/**
	 * Checks a service version's name and version.
	 * @param name service name
	 * @param version service version
	 */
	static void checkIdentity(String name, String version) {
		ServiceNames.checkName("name", name);
		ServiceNames.checkVersion("version", version);
	}

	/**
	 * Checks a deploy request.
	 * @param request the request
	 * @return the options to store with the version
	 * @throws DaeployException naming the first field that is wrong
	 */
	DeploySpec validate(DeployRequest request) {
		checkIdentity(request.name(), request.version());
		if (request.image() == null || !IMAGE.matcher(request.image()).matches()) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "image",
					"The image must be a reference such as my_model:1.0.0, without spaces");
		}
		if (request.port() != null && (request.port() < 1 || request.port() > 65535)) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "port", "The port must be between 1 and 65535");
		}
		List<DeployRequest.EnvVar> env = orEmpty(request.env());
		for (int i = 0; i < env.size(); i++) {
			DeployRequest.EnvVar variable = env.get(i);
			if (variable == null || variable.name() == null || variable.value() == null
					|| !ENV_NAME.matcher(variable.name()).matches() || variable.value().indexOf('\0') >= 0) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "env[" + i + "]",
						"An environment variable name must be non-empty and hold no '='");
			}
		}
		if (request.command() != null && request.command().isEmpty()) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "command",
					"The command must not be empty; leave it out to run the image's own");
		}
		List<DeployRequest.Volume> volumes = orEmpty(request.volumes());
		for (int i = 0; i < volumes.size(); i++) {
			checkVolume(volumes.get(i), "volumes[" + i + "]");
		}
		List<DeployRequest.Label> labels = orEmpty(request.labels());
		for (int i = 0; i < labels.size(); i++) {
			String key = labels.get(i).key();
			if (key == null || key.isEmpty() || this.reservedLabels.contains(key)) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "labels[" + i + "].key",
						"Label keys must be non-empty and not one of the manager's own: " + this.reservedLabels);
			}
		}
		Long memoryBytes = null;
		Long nanoCpus = null;
		if (request.resources() != null) {
			Integer memoryMb = request.resources().memoryMb();
			if (memoryMb != null && (memoryMb < 6 || memoryMb > 1_048_576)) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "resources.memoryMb",
						"The memory limit must be between 6 MiB and 1 TiB");
			}
			Double cpus = request.resources().cpus();
			if (cpus != null && (cpus.isNaN() || cpus < 0.01 || cpus > 1024)) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "resources.cpus",
						"The CPU limit must be between 0.01 and 1024 cores");
			}
			memoryBytes = (memoryMb != null) ? memoryMb * MIB : null;
			nanoCpus = (cpus != null) ? Math.round(cpus * 1e9) : null;
		}
		RestartPolicy restart = (request.restartPolicy() != null) ? request.restartPolicy()
				: RestartPolicy.UNLESS_STOPPED;
		return new DeploySpec(List.copyOf(env), (request.command() != null) ? List.copyOf(request.command()) : null,
				List.copyOf(volumes), List.copyOf(labels), restart, memoryBytes, nanoCpus);
	}

	private static void checkVolume(DeployRequest.Volume volume, String field) {
		if (volume.target() == null || !volume.target().startsWith("/") || volume.target().contains(":")) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, field + ".target",
					"A volume target must be an absolute path inside the container");
		}
		String source = volume.source();
		if (source == null
				|| (!(source.startsWith("/") && !source.contains(":")) && !VOLUME_NAME.matcher(source).matches())) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, field + ".source",
					"A volume source must be a volume name or an absolute host path");
		}
	}

	private static <T> List<T> orEmpty(List<T> list) {
		return (list != null) ? list : List.of();
	}

}
