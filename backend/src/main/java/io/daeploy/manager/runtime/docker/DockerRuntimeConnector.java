package io.daeploy.manager.runtime.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerEvent;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerSpec;
import io.daeploy.manager.runtime.ContainerState;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeConnector;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.runtime.RuntimeFailure.Kind;
import io.daeploy.manager.runtime.RuntimeStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@link RuntimeConnector} over the Docker Engine API through docker-java. Every
 * docker-java call is blocking, so each runs on a dedicated bounded scheduler.
 */
class DockerRuntimeConnector implements RuntimeConnector, AutoCloseable {

	static final String LABEL_TYPE = "daeploy.type";

	static final String LABEL_NAME = "daeploy.name";

	static final String LABEL_VERSION = "daeploy.version";

	static final String LABEL_PORT = "daeploy.port";

	static final String LABEL_INSTANCE = "daeploy.instance";

	private static final String LOOPBACK = "127.0.0.1";

	private static final Pattern DOCKER_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final Log logger = LogFactory.getLog(DockerRuntimeConnector.class);

	private final DockerClient client;

	private final DockerClient streamClient;

	private final Scheduler scheduler;

	private final String network;

	private final String instance;

	private final boolean publishPorts;

	private final AtomicBoolean networkReady = new AtomicBoolean();

	DockerRuntimeConnector(DockerClient client, DockerClient streamClient, Scheduler scheduler, String network,
			String instance, boolean publishPorts) {
		this.client = client;
		this.streamClient = streamClient;
		this.scheduler = scheduler;
		this.network = network;
		this.instance = instance;
		this.publishPorts = publishPorts;
	}

	@Override
	public Mono<RuntimeStatus> status() {
		return call(() -> this.client.versionCmd().exec())
			.map((version) -> new RuntimeStatus("docker", true, version.getVersion(), null))
			.onErrorResume((ex) -> Mono.just(new RuntimeStatus("docker", false, null, ex.getMessage())));
	}

	@Override
	public Mono<ContainerInfo> deploy(ContainerSpec spec) {
		return ensureNetwork().then(call(() -> createAndStart(spec)));
	}

	@Override
	public Flux<ContainerInfo> list() {
		return call(() -> this.client.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of(LABEL_TYPE, "service", LABEL_INSTANCE, this.instance))
			.exec()).flatMapIterable((containers) -> containers.stream().map(this::info).toList());
	}

	@Override
	public Mono<ContainerInfo> find(String name, String version) {
		return call(() -> this.client.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of(LABEL_TYPE, "service", LABEL_INSTANCE, this.instance, LABEL_NAME, name,
					LABEL_VERSION, version))
			.exec()).flatMapIterable((containers) -> containers.stream().map(this::info).toList()).next();
	}

	@Override
	public Flux<ContainerEvent> events() {
		return Flux.<ContainerEvent>create((sink) -> {
			ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {

				@Override
				public void onNext(Event event) {
					Map<String, String> attributes = (event.getActor() != null
							&& event.getActor().getAttributes() != null) ? event.getActor().getAttributes() : Map.of();
					String action = (event.getAction() != null) ? event.getAction() : event.getStatus();
					if (attributes.get(LABEL_NAME) != null && attributes.get(LABEL_VERSION) != null && action != null) {
						sink.next(new ContainerEvent(attributes.get(LABEL_NAME), attributes.get(LABEL_VERSION), action,
								exitCode(attributes.get("exitCode"))));
					}
				}

				@Override
				public void onError(Throwable throwable) {
					sink.error(translate(throwable));
				}

				@Override
				public void onComplete() {
					sink.complete();
				}

			};
			try {
				this.streamClient.eventsCmd()
					.withEventTypeFilter(EventType.CONTAINER)
					.withLabelFilter(Map.of(LABEL_TYPE, "service", LABEL_INSTANCE, this.instance))
					.exec(callback);
			}
			catch (RuntimeException ex) {
				sink.error(translate(ex));
				return;
			}
			sink.onDispose(() -> {
				try {
					callback.close();
				}
				catch (IOException ex) {
					logger.debug("Closing the Docker event stream failed", ex);
				}
			});
		}).subscribeOn(this.scheduler);
	}

	@Override
	public Flux<LogLine> logs(String containerName, int tail, Instant since, boolean follow) {
		return Flux.<LogLine>create((sink) -> {
			Object demand = new Object();
			ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {

				private final StringBuilder[] partial = { new StringBuilder(), new StringBuilder() };

				@Override
				public void onNext(Frame frame) {
					if (frame.getStreamType() != StreamType.STDOUT && frame.getStreamType() != StreamType.STDERR
							&& frame.getStreamType() != StreamType.RAW) {
						return;
					}
					LogLine.Stream stream = (frame.getStreamType() == StreamType.STDERR) ? LogLine.Stream.STDERR
							: LogLine.Stream.STDOUT;
					// a frame may hold several lines or part of one: whole lines go
					// on, the rest waits for the next frame of its stream
					StringBuilder pending = this.partial[stream.ordinal()];
					pending.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
					int end = pending.lastIndexOf("\n");
					if (end < 0) {
						return;
					}
					String whole = pending.substring(0, end);
					pending.delete(0, end + 1);
					emit(whole, stream);
				}

				private void emit(String text, LogLine.Stream stream) {
					for (String entry : text.split("\n")) {
						LogLine line = logLine(entry, stream);
						if (line == null || (since != null && line.timestamp().isBefore(since))) {
							continue;
						}
						// wait for demand: Docker's stream slows down instead of
						// memory filling up
						synchronized (demand) {
							while (sink.requestedFromDownstream() == 0 && !sink.isCancelled()) {
								try {
									demand.wait(100);
								}
								catch (InterruptedException ex) {
									Thread.currentThread().interrupt();
									return;
								}
							}
						}
						if (sink.isCancelled()) {
							return;
						}
						sink.next(line);
					}
				}

				@Override
				public void onError(Throwable throwable) {
					sink.error(translate(throwable));
				}

				@Override
				public void onComplete() {
					for (LogLine.Stream stream : LogLine.Stream.values()) {
						if (!this.partial[stream.ordinal()].isEmpty()) {
							emit(this.partial[stream.ordinal()].toString(), stream);
						}
					}
					sink.complete();
				}

			};
			sink.onRequest((n) -> {
				synchronized (demand) {
					demand.notifyAll();
				}
			});
			sink.onDispose(() -> {
				try {
					callback.close();
				}
				catch (IOException ex) {
					logger.debug("Closing a Docker log stream failed", ex);
				}
				synchronized (demand) {
					demand.notifyAll();
				}
			});
			try {
				LogContainerCmd command = this.streamClient.logContainerCmd(containerName)
					.withStdOut(true)
					.withStdErr(true)
					.withTimestamps(true)
					.withFollowStream(follow);
				if (tail >= 0) {
					command.withTail(tail);
				}
				else {
					command.withTailAll();
				}
				if (since != null) {
					command.withSince((int) since.getEpochSecond());
				}
				command.exec(callback);
			}
			catch (RuntimeException ex) {
				sink.error(translate(ex));
			}
		}).subscribeOn(this.scheduler);
	}

	private static Integer exitCode(String value) {
		try {
			return (value != null) ? Integer.valueOf(value) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Splits one entry of a timestamped Docker log into its time and text.
	 */
	private static LogLine logLine(String entry, LogLine.Stream stream) {
		if (entry.isEmpty()) {
			return null;
		}
		int space = entry.indexOf(' ');
		Instant timestamp = null;
		if (space > 0) {
			try {
				timestamp = Instant.parse(entry.substring(0, space));
			}
			catch (DateTimeParseException ex) {
				timestamp = null;
			}
		}
		String text = (timestamp != null) ? entry.substring(space + 1) : entry;
		if (text.endsWith("\r")) {
			text = text.substring(0, text.length() - 1);
		}
		return new LogLine((timestamp != null) ? timestamp : Instant.now(), stream, text, null);
	}

	@Override
	public Mono<ContainerDetails> inspect(String containerName) {
		return call(() -> this.client.inspectContainerCmd(containerName).exec()).map(this::details)
			.onErrorResume(NotFound.class, (ex) -> Mono.empty());
	}

	@Override
	public Mono<Boolean> remove(String containerName) {
		return call(() -> {
			this.client.removeContainerCmd(containerName).withForce(true).exec();
			return true;
		}).onErrorResume(NotFound.class, (ex) -> Mono.just(false));
	}

	@Override
	public Mono<Boolean> removeImage(String image) {
		return call(() -> {
			this.client.removeImageCmd(image).withForce(false).exec();
			return true;
		}).onErrorResume(NotFound.class, (ex) -> Mono.just(false)).onErrorResume((ex) -> {
			if (ex instanceof RuntimeFailure failure && failure.kind() == Kind.CONFLICT) {
				logger.info("Image " + image + " is still in use; kept");
				return Mono.just(false);
			}
			return Mono.error(ex);
		});
	}

	@Override
	public void close() throws IOException {
		this.streamClient.close();
	}

	@Override
	public List<String> reservedLabels() {
		return List.of(LABEL_TYPE, LABEL_NAME, LABEL_VERSION, LABEL_PORT, LABEL_INSTANCE);
	}

	private ContainerInfo createAndStart(ContainerSpec spec) {
		ExposedPort exposed = ExposedPort.tcp(spec.port());
		Map<String, String> labels = new LinkedHashMap<>(spec.labels());
		labels.put(LABEL_TYPE, "service");
		labels.put(LABEL_NAME, spec.name());
		labels.put(LABEL_VERSION, spec.version());
		labels.put(LABEL_PORT, Integer.toString(spec.port()));
		labels.put(LABEL_INSTANCE, this.instance);
		HostConfig host = HostConfig.newHostConfig()
			.withNetworkMode(this.network)
			.withRestartPolicy(restartPolicy(spec.restartPolicy()))
			.withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "100m", "max-file", "3")))
			.withExtraHosts("host.docker.internal:host-gateway")
			.withBinds(spec.volumes().stream().map(DockerRuntimeConnector::bind).toList());
		if (this.publishPorts) {
			host.withPortBindings(new PortBinding(Ports.Binding.bindIp(LOOPBACK), exposed));
		}
		if (spec.memoryBytes() != null) {
			host.withMemory(spec.memoryBytes());
		}
		if (spec.nanoCpus() != null) {
			host.withNanoCPUs(spec.nanoCpus());
		}
		CreateContainerCmd create = this.client.createContainerCmd(spec.image())
			.withName(spec.containerName())
			.withLabels(labels)
			.withEnv(spec.env().entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue()).toList())
			.withExposedPorts(exposed)
			.withHostConfig(host);
		if (spec.command() != null) {
			create.withCmd(spec.command());
		}
		String id;
		try {
			id = create.exec().getId();
		}
		catch (NotFoundException ex) {
			throw new RuntimeFailure(Kind.IMAGE_NOT_FOUND,
					"Image '" + spec.image() + "' is not on the Docker engine (images are never pulled)", ex);
		}
		try {
			this.client.startContainerCmd(id).exec();
			return info(this.client.inspectContainerCmd(id).exec(), spec);
		}
		catch (RuntimeException ex) {
			try {
				this.client.removeContainerCmd(id).withForce(true).exec();
			}
			catch (RuntimeException cleanup) {
				ex.addSuppressed(cleanup);
			}
			throw ex;
		}
	}

	private ContainerInfo info(InspectContainerResponse inspection, ContainerSpec spec) {
		return new ContainerInfo(inspection.getId(), spec.name(), spec.version(), spec.image(), spec.port(),
				ContainerState.of(inspection.getState().getStatus()), publishedAddress(inspection, spec.port()),
				instant(inspection.getCreated()));
	}

	private ContainerInfo info(Container container) {
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
		return new ContainerInfo(container.getId(), labels.get(LABEL_NAME), labels.get(LABEL_VERSION),
				container.getImage(), port, ContainerState.of(container.getState()), published,
				Instant.ofEpochSecond(container.getCreated()));
	}

	private ContainerDetails details(InspectContainerResponse inspection) {
		InspectContainerResponse.ContainerState state = inspection.getState();
		Map<String, String> labels = (inspection.getConfig().getLabels() != null) ? inspection.getConfig().getLabels()
				: Map.of();
		Map<String, String> env = new LinkedHashMap<>();
		if (inspection.getConfig().getEnv() != null) {
			for (String entry : inspection.getConfig().getEnv()) {
				int eq = entry.indexOf('=');
				env.put((eq < 0) ? entry : entry.substring(0, eq), (eq < 0) ? "" : entry.substring(eq + 1));
			}
		}
		String[] cmd = inspection.getConfig().getCmd();
		RestartPolicy policy = inspection.getHostConfig().getRestartPolicy();
		Long exitCode = state.getExitCodeLong();
		return new ContainerDetails(inspection.getId(), stripSlash(inspection.getName()), inspection.getImageId(),
				ContainerState.of(state.getStatus()), Boolean.TRUE.equals(state.getRunning()),
				instant(state.getStartedAt()), instant(state.getFinishedAt()),
				(exitCode != null) ? exitCode.intValue() : null, emptyToNull(state.getError()),
				(inspection.getRestartCount() != null) ? inspection.getRestartCount() : 0,
				Boolean.TRUE.equals(state.getOOMKilled()),
				publishedAddress(inspection, parsePort(labels.get(LABEL_PORT))), restartPolicy(policy),
				(cmd != null) ? Arrays.asList(cmd) : List.of(), env, labels);
	}

	private Mono<Void> ensureNetwork() {
		if (this.networkReady.get()) {
			return Mono.empty();
		}
		return call(() -> {
			try {
				this.client.inspectNetworkCmd().withNetworkId(this.network).exec();
			}
			catch (NotFoundException ex) {
				try {
					this.client.createNetworkCmd()
						.withName(this.network)
						.withDriver("bridge")
						.withLabels(Map.of(LABEL_TYPE, "network"))
						.exec();
					logger.info("Created Docker network " + this.network);
				}
				catch (ConflictException raced) {
					// another caller created it meanwhile
				}
			}
			this.networkReady.set(true);
			return true;
		}).then();
	}

	private <T> Mono<T> call(java.util.concurrent.Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(this.scheduler).onErrorMap(DockerRuntimeConnector::translate);
	}

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

	private static String message(Throwable ex) {
		String text = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		Matcher matcher = DOCKER_MESSAGE.matcher(text);
		return matcher.find() ? matcher.group(1).replace("\\\"", "\"") : text;
	}

	private static Bind bind(ContainerSpec.VolumeMount mount) {
		return new Bind(mount.source(), new Volume(mount.target()), mount.readOnly() ? AccessMode.ro : AccessMode.rw);
	}

	private static RestartPolicy restartPolicy(ContainerSpec.RestartPolicy policy) {
		return switch (policy) {
			case NO -> RestartPolicy.noRestart();
			case ON_FAILURE -> RestartPolicy.onFailureRestart(0);
			case UNLESS_STOPPED -> RestartPolicy.unlessStoppedRestart();
			case ALWAYS -> RestartPolicy.alwaysRestart();
		};
	}

	private static ContainerSpec.RestartPolicy restartPolicy(RestartPolicy policy) {
		String name = (policy != null && policy.getName() != null) ? policy.getName() : "";
		return switch (name) {
			case "always" -> ContainerSpec.RestartPolicy.ALWAYS;
			case "unless-stopped" -> ContainerSpec.RestartPolicy.UNLESS_STOPPED;
			case "on-failure" -> ContainerSpec.RestartPolicy.ON_FAILURE;
			default -> ContainerSpec.RestartPolicy.NO;
		};
	}

	private static String publishedAddress(InspectContainerResponse inspection, int port) {
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

	private static int parsePort(String value) {
		try {
			return (value != null) ? Integer.parseInt(value) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static Instant instant(String value) {
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

	private static String stripSlash(String name) {
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
