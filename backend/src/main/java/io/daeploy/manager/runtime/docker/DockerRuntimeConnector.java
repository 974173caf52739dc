package io.daeploy.manager.runtime.docker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateNetworkCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.transport.DockerHttpClient;
import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerEvent;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerSpec;
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
import reactor.core.scheduler.Schedulers;

import org.springframework.web.util.UriUtils;

import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_DEPLOYMENT;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_INSTANCE;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_NAME;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_PORT;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_TYPE;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_VERSION;
import static io.daeploy.manager.runtime.docker.DockerMappings.LOOPBACK;

/**
 * {@link RuntimeConnector} over the Docker Engine API through docker-java. Every
 * docker-java call is blocking, so each runs on a dedicated bounded scheduler; log
 * streams, which wait for lines, run on a scheduler of their own and are bounded in
 * number.
 * <p>
 * Everything is scoped by the manager's instance: the containers it lists and follows
 * carry its {@code daeploy.instance} label, and outside the default instance their names
 * carry the instance too, so two managers share one engine without a clash.
 */
class DockerRuntimeConnector implements RuntimeConnector, AutoCloseable {

	static final String DEFAULT_INSTANCE = "default";

	/** The bridge driver's option that allows traffic between a network's containers. */
	static final String NO_ICC = "com.docker.network.bridge.enable_icc";

	/** How long a followed log's read waits for the engine before the log is checked. */
	static final Duration STALL_CHECK = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(DockerRuntimeConnector.class);

	private final DockerClient client;

	private final DockerClient streamClient;

	private final DockerHttpClient logClient;

	private final Scheduler scheduler;

	private final Scheduler logScheduler;

	private final Settings settings;

	private final Semaphore logStreams;

	private final AtomicBoolean networkReady = new AtomicBoolean();

	/**
	 * How the connector runs containers.
	 *
	 * @param network the bridge network services join
	 * @param instance this manager's instance
	 * @param publishPorts whether service ports are published on the host's loopback
	 * @param maxLogStreams the most log streams open at once
	 */
	record Settings(String network, String instance, boolean publishPorts, int maxLogStreams) {
	}

	DockerRuntimeConnector(DockerClient client, DockerClient streamClient, DockerHttpClient logClient,
			Scheduler scheduler, Scheduler logScheduler, Settings settings) {
		this.client = client;
		this.streamClient = streamClient;
		this.logClient = logClient;
		this.scheduler = scheduler;
		this.logScheduler = logScheduler;
		this.settings = settings;
		this.logStreams = new Semaphore(settings.maxLogStreams());
	}

	@Override
	public Mono<RuntimeStatus> status() {
		return call(() -> this.client.versionCmd().exec())
			.map((version) -> new RuntimeStatus("docker", true, version.getVersion(), null))
			.onErrorResume((ex) -> {
				// a fresh engine may lack the network the old one had
				this.networkReady.set(false);
				return Mono.just(new RuntimeStatus("docker", false, null, ex.getMessage()));
			});
	}

	@Override
	public Mono<ContainerInfo> deploy(ContainerSpec spec) {
		return ensureNetwork().then(call(() -> createAndStart(spec)));
	}

	@Override
	public Flux<ContainerInfo> list() {
		// the reconciliation at start lists first: a manager in a container joins the
		// network then, before it routes to the services it finds
		Mono<Void> network = this.settings.publishPorts() ? Mono.empty() : ensureNetwork();
		return network.thenMany(call(() -> this.client.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of(LABEL_TYPE, "service", LABEL_INSTANCE, this.settings.instance()))
			.exec()).flatMapIterable((containers) -> containers.stream().map(DockerMappings::info).toList()));
	}

	@Override
	public Mono<ContainerInfo> observe(String id) {
		return call(() -> this.client.inspectContainerCmd(id).exec()).filter(this::ours)
			.map(DockerMappings::info)
			.onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.empty());
	}

	@Override
	public Mono<Instant> time() {
		return call(() -> this.client.infoCmd().exec()).map((info) -> {
			Instant time = DockerMappings.instant(info.getSystemTime());
			return (time != null) ? time : Instant.now();
		});
	}

	@Override
	public Flux<ContainerEvent> events(Instant since) {
		return DockerEventStream.events(this.streamClient, this.settings.instance(), since, this.scheduler);
	}

	@Override
	public Flux<LogLine> logs(String name, String version, int tail, Instant since, boolean follow) {
		if (!follow) {
			String path = logPath(name, version, tail, since, null, false);
			return DockerLogStream.lines(() -> openLog(path), since, this.logScheduler)
				.onErrorMap(DockerMappings::translate);
		}
		return followed(name, version, tail, since, UnaryOperator.identity());
	}

	/**
	 * A followed log, past the engine's faults ({@link FollowGuard}).
	 * @param name the service
	 * @param version its version
	 * @param tail how many of the last lines to start with, or {@code -1} for all
	 * @param since only lines at or after this time, or {@code null}
	 * @param opened applied to each stream the engine opens (tests break one on purpose)
	 * @return the lines, each once, in order
	 */
	Flux<LogLine> followed(String name, String version, int tail, Instant since,
			UnaryOperator<DockerLogStream.Body> opened) {
		FollowGuard.Engine engine = new FollowGuard.Engine() {

			@Override
			public DockerLogStream.Body open(Instant from) {
				return opened.apply(openLog((from == null) ? logPath(name, version, tail, since, null, true)
						: logPath(name, version, -1, from, null, true)));
			}

			@Override
			public Mono<Instant> now() {
				return time();
			}

			@Override
			public Mono<Instant> newest() {
				return DockerRuntimeConnector.this.written(logPath(name, version, 1, null, null, false))
					.last()
					.map(LogLine::timestamp)
					.onErrorResume(NoSuchElementException.class, (ex) -> Mono.empty());
			}

			@Override
			public Flux<LogLine> written(Instant from, Instant until) {
				return DockerRuntimeConnector.this.written(logPath(name, version, -1, from, until, false));
			}

		};
		return FollowGuard.follow(engine, since, tail != 0, STALL_CHECK, this.logScheduler, Schedulers.parallel())
			.onErrorMap(DockerMappings::translate);
	}

	/**
	 * A short, unfollowed read of a log for the follow guard: outside the bound on open
	 * streams (so it is answered even when every stream is taken), on the scheduler of
	 * short engine calls.
	 */
	private Flux<LogLine> written(String path) {
		return DockerLogStream.lines(() -> {
			DockerHttpClient.Response response = this.logClient.execute(
					DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path).build());
			if (response.getStatusCode() != 200) {
				String message = errorBody(response);
				throw new RuntimeFailure(Kind.REFUSED, message, null);
			}
			return new DockerLogBody(response, () -> {
			});
		}, null, this.scheduler);
	}

	private String logPath(String name, String version, int tail, Instant since, Instant until, boolean follow) {
		return "/containers/" + UriUtils.encodePathSegment(containerName(name, version), StandardCharsets.UTF_8)
				+ "/logs?stdout=1&stderr=1&timestamps=1&follow=" + (follow ? 1 : 0) + "&tail="
				+ ((tail >= 0) ? Integer.toString(tail) : "all") + ((since != null) ? "&since=" + seconds(since) : "")
				+ ((until != null) ? "&until=" + seconds(until) : "");
	}

	/** A time as the engine takes it: seconds with a fraction, to the nanosecond. */
	private static String seconds(Instant time) {
		return time.getEpochSecond() + "." + String.format("%09d", time.getNano());
	}

	private DockerLogStream.Body openLog(String path) {
		if (!this.logStreams.tryAcquire()) {
			throw new RuntimeFailure(Kind.REFUSED,
					"Too many log streams are open (" + this.settings.maxLogStreams() + "); close some and try again",
					null);
		}
		DockerHttpClient.Response response;
		try {
			response = this.logClient.execute(
					DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path).build());
		}
		catch (RuntimeException ex) {
			this.logStreams.release();
			throw ex;
		}
		if (response.getStatusCode() != 200) {
			String message = errorBody(response);
			this.logStreams.release();
			throw (response.getStatusCode() == 404) ? new DockerMappings.NotFound(message, null)
					: new RuntimeFailure(Kind.REFUSED, message, null);
		}
		return new DockerLogBody(response, this.logStreams::release);
	}

	private static String errorBody(DockerHttpClient.Response response) {
		try (response; InputStream body = response.getBody()) {
			String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
			return DockerMappings.message(new IllegalStateException(text));
		}
		catch (IOException | RuntimeException ex) {
			return "The Docker engine answered " + response.getStatusCode();
		}
	}

	@Override
	public Mono<ContainerDetails> inspect(String name, String version) {
		return call(() -> this.client.inspectContainerCmd(containerName(name, version)).exec()).filter(this::ours)
			.map(DockerMappings::details)
			.onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.empty());
	}

	@Override
	public Mono<ContainerDetails> inspectOriginal(String name, String version) {
		return call(() -> this.client.inspectContainerCmd(originalName(name, version)).exec())
			.filter(DockerRuntimeConnector::original)
			.map(DockerMappings::originalDetails)
			.onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.empty());
	}

	@Override
	public Mono<Boolean> removeOriginal(String name, String version) {
		return call(() -> {
			InspectContainerResponse inspection = this.client.inspectContainerCmd(originalName(name, version)).exec();
			if (!original(inspection)) {
				return false;
			}
			this.client.removeContainerCmd(inspection.getId()).withForce(true).exec();
			return true;
		}).onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.just(false));
	}

	private static String originalName(String name, String version) {
		return "daeploy-" + name + "-" + version;
	}

	/**
	 * Whether a container is the original Daeploy's: a service, and no instance label
	 * (every container a manager of this kind makes has one).
	 */
	private static boolean original(InspectContainerResponse inspection) {
		Map<String, String> labels = inspection.getConfig().getLabels();
		return labels != null && "service".equals(labels.get(LABEL_TYPE)) && !labels.containsKey(LABEL_INSTANCE);
	}

	@Override
	public Mono<Boolean> remove(String name, String version) {
		return call(() -> {
			this.client.removeContainerCmd(containerName(name, version)).withForce(true).exec();
			return true;
		}).onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.just(false));
	}

	@Override
	public Mono<Boolean> stop(String name, String version, Duration timeout) {
		return call(() -> {
			try {
				this.client.stopContainerCmd(containerName(name, version))
					.withTimeout((int) Math.max(0, timeout.toSeconds()))
					.exec();
			}
			catch (NotModifiedException ex) {
				// it was not running
			}
			return true;
		}).onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.just(false));
	}

	@Override
	public Mono<ContainerInfo> start(String name, String version) {
		return ensureNetwork().then(call(() -> {
			String container = containerName(name, version);
			try {
				this.client.startContainerCmd(container).exec();
			}
			catch (NotModifiedException ex) {
				// it runs already
			}
			return DockerMappings.info(this.client.inspectContainerCmd(container).exec());
		})).onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.empty());
	}

	@Override
	public Mono<Boolean> removeImage(String image) {
		return call(() -> {
			this.client.removeImageCmd(image).withForce(false).exec();
			return true;
		}).onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.just(false)).onErrorResume((ex) -> {
			if (ex instanceof RuntimeFailure failure && failure.kind() == Kind.CONFLICT) {
				logger.info("Image " + image + " is still in use; kept");
				return Mono.just(false);
			}
			return Mono.error(ex);
		});
	}

	@Override
	public String containerName(String name, String version) {
		String instance = this.settings.instance();
		return DEFAULT_INSTANCE.equals(instance) ? "daeploy-" + name + "-" + version
				: "daeploy-" + instance + "-" + name + "-" + version;
	}

	@Override
	public void close() throws IOException {
		this.streamClient.close();
		this.logClient.close();
	}

	@Override
	public List<String> reservedLabels() {
		return List.of(LABEL_TYPE, LABEL_NAME, LABEL_VERSION, LABEL_PORT, LABEL_INSTANCE, LABEL_DEPLOYMENT);
	}

	private boolean ours(InspectContainerResponse inspection) {
		Map<String, String> labels = inspection.getConfig().getLabels();
		return labels != null && "service".equals(labels.get(LABEL_TYPE))
				&& this.settings.instance().equals(labels.get(LABEL_INSTANCE));
	}

	private ContainerInfo createAndStart(ContainerSpec spec) {
		ExposedPort exposed = ExposedPort.tcp(spec.port());
		Map<String, String> labels = new LinkedHashMap<>(spec.labels());
		labels.put(LABEL_TYPE, "service");
		labels.put(LABEL_NAME, spec.name());
		labels.put(LABEL_VERSION, spec.version());
		labels.put(LABEL_PORT, Integer.toString(spec.port()));
		labels.put(LABEL_INSTANCE, this.settings.instance());
		HostConfig host = HostConfig.newHostConfig()
			.withNetworkMode(this.settings.network())
			.withRestartPolicy(DockerMappings.restartPolicy(spec.restartPolicy()))
			.withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "100m", "max-file", "3")))
			.withExtraHosts("host.docker.internal:host-gateway")
			.withBinds(spec.volumes().stream().map(DockerMappings::bind).toList());
		if (this.settings.publishPorts()) {
			host.withPortBindings(new PortBinding(Ports.Binding.bindIp(LOOPBACK), exposed));
		}
		if (spec.memoryBytes() != null) {
			host.withMemory(spec.memoryBytes());
		}
		if (spec.nanoCpus() != null) {
			host.withNanoCPUs(spec.nanoCpus());
		}
		CreateContainerCmd create = this.client.createContainerCmd(spec.image())
			.withName(containerName(spec.name(), spec.version()))
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
			return DockerMappings.info(this.client.inspectContainerCmd(id).exec());
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

	private Mono<Void> ensureNetwork() {
		if (this.networkReady.get()) {
			return Mono.empty();
		}
		return call(() -> {
			// one at a time: engines before 25 take a second network of the same name,
			// and
			// the listing and a deploy at start would otherwise race to make it
			synchronized (this.networkReady) {
				if (!this.networkReady.get()) {
					makeNetwork();
				}
			}
			return true;
		}).then();
	}

	private void makeNetwork() {
		try {
			Network existing = this.client.inspectNetworkCmd().withNetworkId(this.settings.network()).exec();
			boolean icc = existing.getOptions() == null || !"false".equals(existing.getOptions().get(NO_ICC));
			if (this.settings.publishPorts() && icc) {
				logger.warn("Docker network " + this.settings.network() + " lets its containers reach each other"
						+ " directly, around the proxy's auth; recreate it (docker network rm, once no service"
						+ " uses it) for the manager to make it without");
			}
			if (!this.settings.publishPorts() && !icc) {
				logger.error("Docker network " + this.settings.network() + " allows no traffic between its"
						+ " containers (a manager on the host made it so), but this manager runs in a container"
						+ " and reaches services over it; recreate it (docker network rm, once no service uses"
						+ " it) for the manager to make it with");
			}
		}
		catch (NotFoundException ex) {
			try {
				CreateNetworkCmd create = this.client.createNetworkCmd()
					.withName(this.settings.network())
					.withDriver("bridge")
					.withCheckDuplicate(true)
					.withLabels(Map.of(LABEL_TYPE, "network", LABEL_INSTANCE, this.settings.instance()));
				if (this.settings.publishPorts()) {
					// services reach each other only through the proxy (forward auth, a
					// caller the proxy names), never directly on the bridge; the manager
					// on the host reaches them through their published ports
					create.withOptions(Map.of(NO_ICC, "false"));
				}
				create.exec();
				logger.info("Created Docker network " + this.settings.network()
						+ (this.settings.publishPorts() ? " (no traffic between its containers)" : ""));
			}
			catch (ConflictException raced) {
				// another manager created it meanwhile
			}
		}
		if (!this.settings.publishPorts()) {
			// in its container the manager reaches services by name on the network, and
			// they reach it as daeploy-manager
			ManagerContainer.join(this.client, this.settings.network());
		}
		this.networkReady.set(true);
	}

	private <T> Mono<T> call(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(this.scheduler).onErrorMap(DockerMappings::translate);
	}

}
