package io.daeploy.manager.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

	/**
	 * An image reference as Docker's grammar has it
	 * ({@code [domain[:port]/]path[:tag][@digest]}, path components lower case), which
	 * also covers image ids ({@code sha256:<hex>} and short ids). The Docker client
	 * refuses anything else before it asks the engine.
	 */
	private static final Pattern IMAGE = Pattern.compile("(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
			+ "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?"
			+ "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
			+ "(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?");

	private static final long MIB = 1024L * 1024L;

	/** The prefix of the labels the manager keeps to itself. */
	static final String RESERVED_LABEL_PREFIX = "daeploy.";

	/** Service names that could be taken for the manager's own. */
	static final Set<String> RESERVED_NAMES = Set.of("manager");

	/** Host paths no user may mount: the Docker socket is root on the host. */
	private static final Set<Path> DOCKER_SOCKETS = Set.of(Path.of("/var/run/docker.sock"),
			Path.of("/run/docker.sock"));

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
	 * Checks a deploy request of an admin.
	 * @param request the request
	 * @return the options to store with the version
	 * @throws DaeployException naming the first field that is wrong
	 */
	DeploySpec validate(DeployRequest request) {
		return validate(request, Access.ADMIN);
	}

	/**
	 * Checks a deploy request.
	 * @param request the request
	 * @param access what the caller may mount
	 * @return the options to store with the version
	 * @throws DaeployException naming the first field that is wrong
	 */
	DeploySpec validate(DeployRequest request, Access access) {
		checkIdentity(request.name(), request.version());
		if (RESERVED_NAMES.contains(request.name())) {
			throw DaeployException.invalid(ErrorCode.INVALID_NAME, "name",
					"The name '" + request.name() + "' is reserved for the manager itself");
		}
		if (request.image() == null || request.image().length() > 255 || !IMAGE.matcher(request.image()).matches()) {
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
			checkVolume(volumes.get(i), "volumes[" + i + "]", access);
		}
		List<DeployRequest.Label> labels = orEmpty(request.labels());
		for (int i = 0; i < labels.size(); i++) {
			String key = labels.get(i).key();
			if (key == null || key.isEmpty() || this.reservedLabels.contains(key)
					|| key.toLowerCase(Locale.ROOT).startsWith(RESERVED_LABEL_PREFIX)) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "labels[" + i + "].key",
						"Label keys must be non-empty and not start with '" + RESERVED_LABEL_PREFIX
								+ "', which the manager keeps to itself");
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

	private static void checkVolume(DeployRequest.Volume volume, String field, Access access) {
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
		if (source.startsWith("/") && !access.mayMount(source)) {
			throw DaeployException.invalid(ErrorCode.FORBIDDEN, field + ".source",
					"Host paths are for admins; users may mount only below the allowed host paths "
							+ "(DAEPLOY_ALLOWED_HOST_PATHS) and never the Docker socket. Use a named volume instead");
		}
	}

	private static <T> List<T> orEmpty(List<T> list) {
		return (list != null) ? list : List.of();
	}

	/**
	 * What a caller may mount from the host.
	 *
	 * @param admin whether the caller is an admin, who may mount any host path
	 * @param allowedHostPaths the host directories users may mount, with what is below
	 * them
	 */
	record Access(boolean admin, List<Path> allowedHostPaths) {

		/** An admin. */
		static final Access ADMIN = new Access(true, List.of());

		Access {
			allowedHostPaths = allowedHostPaths.stream().map((path) -> path.toAbsolutePath().normalize()).toList();
		}

		/**
		 * Whether a host path may be mounted.
		 * @param source an absolute host path
		 * @return whether it may
		 */
		boolean mayMount(String source) {
			if (this.admin) {
				return true;
			}
			Path given = Path.of(source);
			for (Path part : given) {
				if (part.toString().equals("..")) {
					return false;
				}
			}
			Path path = given.normalize();
			if (Files.exists(path)) {
				// where a link leads is what the engine mounts
				try {
					path = path.toRealPath();
				}
				catch (IOException ex) {
					return false;
				}
			}
			if (path.getNameCount() == 0 || DOCKER_SOCKETS.contains(path)
					|| path.getFileName().toString().equals("docker.sock")) {
				return false;
			}
			Path mounted = path;
			return this.allowedHostPaths.stream()
				.anyMatch((allowed) -> allowed.getNameCount() > 0 && mounted.startsWith(allowed));
		}

	}

}
