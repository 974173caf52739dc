package io.daeploy.manager.runtime.docker;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerSpec;
import io.daeploy.manager.runtime.ContainerSpec.VolumeMount;
import io.daeploy.manager.runtime.ContainerState;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.runtime.RuntimeFailure.Kind;

/**
 * Mappings between docker-java's types and the runtime port's, and of Docker's failures
 * to {@link RuntimeFailure}s. Pure functions: no engine calls.
 */
final class DockerMappings {

	static final String LABEL_TYPE = "daeploy.type";

	static final String LABEL_NAME = "daeploy.name";

	static final String LABEL_VERSION = "daeploy.version";

	static final String LABEL_PORT = "daeploy.port";

	static final String LABEL_INSTANCE = "daeploy.instance";

	/** The deployment that made a build container or a built image. */
	static final String LABEL_DEPLOYMENT = io.daeploy.manager.runtime.RuntimeImages.DEPLOYMENT_LABEL;

	static final String LOOPBACK = "127.0.0.1";

	private static final Pattern DOCKER_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private DockerMappings() {
	}

	/**
	 * An observation from an inspection, ordered by the latest of its creation, start and
	 * exit times.
	 */
	static ContainerInfo info(InspectContainerResponse inspection) {
		Map<String, String> labels = labels(inspection);
		int port = parsePort(labels.get(LABEL_PORT));
		InspectContainerResponse.ContainerState state = inspection.getState();
		Instant created = instant(inspection.getCreated());
		Instant changedAt = latest(created, instant(state.getStartedAt()), instant(state.getFinishedAt()));
		return new ContainerInfo(inspection.getId(), stripSlash(inspection.getName()), labels.get(LABEL_NAME),
				labels.get(LABEL_VERSION), inspection.getConfig().getImage(), port,
				ContainerState.of(state.getStatus()), publishedAddress(inspection, port), created,
				(changedAt != null) ? changedAt : Instant.EPOCH);
	}

	/**
	 * An observation from a list entry, which carries no time of change.
	 */
	static ContainerInfo info(Container container) {
		Map<String, String> labels = (container.getLabels() != null) ? container.getLabels() : Map.of();
		int port = parsePort(labels.get(LABEL_PORT));
		String published = null;
		if (container.getPorts() != null) {
			for (ContainerPort candidate : container.getPorts()) {
				if (candidate.getPrivatePort() != null && candidate.getPrivatePort() == port
						&& candidate.getPublicPort() != null && LOOPBACK.equals(candidate.getIp())) {
					published = LOOPBACK + ":" + candidate.getPublicPort();
				}
			}
		}
		String name = (container.getNames() != null && container.getNames().length > 0)
				? stripSlash(container.getNames()[0]) : null;
		return new ContainerInfo(container.getId(), name, labels.get(LABEL_NAME), labels.get(LABEL_VERSION),
				container.getImage(), port, ContainerState.of(container.getState()), published,
				Instant.ofEpochSecond(container.getCreated()), null);
	}

	static ContainerDetails details(InspectContainerResponse inspection) {
		InspectContainerResponse.ContainerState state = inspection.getState();
		Map<String, String> labels = labels(inspection);
		Map<String, String> env = new LinkedHashMap<>();
		if (inspection.getConfig().getEnv() != null) {
			for (String entry : inspection.getConfig().getEnv()) {
				int eq = entry.indexOf('=');
				env.put((eq < 0) ? entry : entry.substring(0, eq), (eq < 0) ? "" : entry.substring(eq + 1));
			}
		}
		String[] cmd = inspection.getConfig().getCmd();
		HostConfig host = inspection.getHostConfig();
		Long exitCode = state.getExitCodeLong();
		int port = parsePort(labels.get(LABEL_PORT));
		Long memory = (host.getMemory() != null && host.getMemory() > 0) ? host.getMemory() : null;
		Long cpus = (host.getNanoCPUs() != null && host.getNanoCPUs() > 0) ? host.getNanoCPUs() : null;
		return new ContainerDetails(inspection.getId(), stripSlash(inspection.getName()),
				inspection.getConfig().getImage(), inspection.getImageId(), port, ContainerState.of(state.getStatus()),
				Boolean.TRUE.equals(state.getRunning()), instant(state.getStartedAt()), instant(state.getFinishedAt()),
				(exitCode != null) ? exitCode.intValue() : null, emptyToNull(state.getError()),
				(inspection.getRestartCount() != null) ? inspection.getRestartCount() : 0,
				Boolean.TRUE.equals(state.getOOMKilled()), publishedAddress(inspection, port),
				restartPolicy(host.getRestartPolicy()), (cmd != null) ? Arrays.asList(cmd) : List.of(), env, labels,
				volumes(host), memory, cpus);
	}

	/**
	 * The details of a container the original Daeploy made: it has no port label, so its
	 * port is the one TCP port it exposes (0 when none or several).
	 */
	static ContainerDetails originalDetails(InspectContainerResponse inspection) {
		ContainerDetails details = details(inspection);
		ExposedPort[] exposed = inspection.getConfig().getExposedPorts();
		int port = (exposed != null && exposed.length == 1) ? exposed[0].getPort() : 0;
		return new ContainerDetails(details.id(), details.name(), details.image(), details.imageId(), port,
				details.state(), details.running(), details.startedAt(), details.finishedAt(), details.exitCode(),
				details.error(), details.restartCount(), details.oomKilled(), publishedAddress(inspection, port),
				details.restartPolicy(), details.command(), details.env(), details.labels(), details.volumes(),
				details.memoryBytes(), details.nanoCpus());
	}

	/**
	 * The mounts a container was created with: its binds, host paths and named volumes
	 * alike, as the manager creates them.
	 */
	static List<VolumeMount> volumes(HostConfig host) {
		List<VolumeMount> volumes = new ArrayList<>();
		if (host.getBinds() != null) {
			for (Bind bind : host.getBinds()) {
				volumes.add(new VolumeMount(bind.getPath(), bind.getVolume().getPath(),
						bind.getAccessMode() == AccessMode.ro));
			}
		}
		return volumes;
	}

	static Bind bind(VolumeMount mount) {
		return new Bind(mount.source(), new Volume(mount.target()), mount.readOnly() ? AccessMode.ro : AccessMode.rw);
	}

	static RestartPolicy restartPolicy(ContainerSpec.RestartPolicy policy) {
		return switch (policy) {
			case NO -> RestartPolicy.noRestart();
			case ON_FAILURE -> RestartPolicy.onFailureRestart(0);
			case UNLESS_STOPPED -> RestartPolicy.unlessStoppedRestart();
			case ALWAYS -> RestartPolicy.alwaysRestart();
		};
	}

	static ContainerSpec.RestartPolicy restartPolicy(RestartPolicy policy) {
		String name = (policy != null && policy.getName() != null) ? policy.getName() : "";
		return switch (name) {
			case "always" -> ContainerSpec.RestartPolicy.ALWAYS;
			case "unless-stopped" -> ContainerSpec.RestartPolicy.UNLESS_STOPPED;
			case "on-failure" -> ContainerSpec.RestartPolicy.ON_FAILURE;
			default -> ContainerSpec.RestartPolicy.NO;
		};
	}

	static String publishedAddress(InspectContainerResponse inspection, int port) {
		if (inspection.getNetworkSettings() == null || inspection.getNetworkSettings().getPorts() == null) {
			return null;
		}
		Ports.Binding[] bindings = inspection.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(port));
		if (bindings == null) {
			return null;
		}
		for (Ports.Binding binding : bindings) {
			if (LOOPBACK.equals(binding.getHostIp()) && binding.getHostPortSpec() != null) {
				return LOOPBACK + ":" + binding.getHostPortSpec();
			}
		}
		return null;
	}

	/**
	 * Docker's failures as the port's: "no such object" as {@link NotFound}, conflicts,
	 * refusals, and an engine that does not answer as {@link Kind#UNAVAILABLE}.
	 */
	static Throwable translate(Throwable ex) {
		if (ex instanceof RuntimeFailure) {
			return ex;
		}
		if (ex instanceof NotFoundException) {
			return new NotFound(message(ex), ex);
		}
		if (ex instanceof ConflictException) {
			return new RuntimeFailure(Kind.CONFLICT, message(ex), ex);
		}
		if (ex instanceof DockerException) {
			return new RuntimeFailure(Kind.REFUSED, message(ex), ex);
		}
		if (isConnectionFailure(ex)) {
			return new RuntimeFailure(Kind.UNAVAILABLE, "The Docker engine does not answer: " + rootMessage(ex), ex);
		}
		return ex;
	}

	private static boolean isConnectionFailure(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof IOException) {
				return true;
			}
		}
		return false;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

	/**
	 * The engine's own message out of a docker-java failure, e.g. the {@code message} of
	 * its JSON body.
	 */
	static String message(Throwable ex) {
		String text = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		Matcher matcher = DOCKER_MESSAGE.matcher(text);
		return matcher.find() ? matcher.group(1).replace("\\\"", "\"") : text;
	}

	static Integer exitCode(String value) {
		try {
			return (value != null) ? Integer.valueOf(value) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	static int parsePort(String value) {
		try {
			return (value != null) ? Integer.parseInt(value) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	static Instant instant(String value) {
		if (value == null || value.isEmpty() || value.startsWith("0001-")) {
			return null;
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static Instant latest(Instant... instants) {
		Instant latest = null;
		for (Instant instant : instants) {
			if (instant != null && (latest == null || instant.isAfter(latest))) {
				latest = instant;
			}
		}
		return latest;
	}

	private static Map<String, String> labels(InspectContainerResponse inspection) {
		return (inspection.getConfig().getLabels() != null) ? inspection.getConfig().getLabels() : Map.of();
	}

	static String stripSlash(String name) {
		return (name != null && name.startsWith("/")) ? name.substring(1) : name;
	}

	private static String emptyToNull(String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	/**
	 * A "no such object" answer, which callers turn into an empty result.
	 */
	static final class NotFound extends RuntimeFailure {

		NotFound(String message, Throwable cause) {
			super(Kind.REFUSED, message, cause);
		}

	}

}
