package io.daeploy.manager.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.daeploy.manager.auth.TokenService;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.proxy.TrafficStats;
import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerSpec;
import io.daeploy.manager.runtime.ContainerStateCache;
import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;
import io.daeploy.manager.runtime.RuntimeConnector;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.system.DaeployException;
import io.daeploy.manager.system.ErrorCode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Deploys, lists, inspects and kills service versions: the store says what should run,
 * the runtime runs it.
 */
@Service
public class ServiceManager {

	/**
	 * Environment variables the manager gives every service; they win over the user's.
	 */
	static final List<String> MANAGER_ENV = List.of("daeploy.name", "daeploy.version", "daeploy.auth",
			"DAEPLOY_MANAGER_URL", "DAEPLOY_MANAGER_HOSTNAME");

	private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");

	private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

	private static final Pattern IMAGE = Pattern.compile("[^\\s\\x00]{1,255}");

	private static final long MIB = 1024L * 1024L;

	private static final Log logger = LogFactory.getLog(ServiceManager.class);

	private final ServiceStore store;

	private final RuntimeConnector runtime;

	private final DaeployProperties properties;

	private final TokenService tokens;

	private final ContainerStateCache cache;

	private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

	private final ProxyConnector proxy;

	private final TrafficStats traffic;

	private final ServiceWatch watch;

	ServiceManager(ServiceStore store, RuntimeConnector runtime, DaeployProperties properties, TokenService tokens,
			ContainerStateCache cache, ProxyConnector proxy, TrafficStats traffic, ServiceWatch watch) {
		this.watch = watch;
		this.proxy = proxy;
		this.traffic = traffic;
		this.cache = cache;
		this.store = store;
		this.runtime = runtime;
		this.properties = properties;
		this.tokens = tokens;
	}

	/**
	 * Deploys a service version: validates the request, starts its container and stores
	 * it. On any failure nothing is left behind.
	 * @param request what to deploy
	 * @return the deployed version
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<ServiceView> deploy(DeployRequest request) {
		return Mono.defer(() -> {
			DeploySpec spec = validate(request);
			String key = request.name() + "\n" + request.version();
			if (!this.inFlight.add(key)) {
				return Mono.error(exists(request.name(), request.version()));
			}
			int port = (request.port() != null) ? request.port() : 8000;
			ServiceRecord service = new ServiceRecord(null, request.name(), request.version(), request.image(), port,
					false, spec, Instant.now().truncatedTo(ChronoUnit.MILLIS), null);
			return this.store.find(request.name(), request.version())
				.flatMap((existing) -> Mono.<ServiceView>error(exists(request.name(), request.version())))
				.switchIfEmpty(Mono.defer(() -> start(service)))
				.doFinally((signal) -> this.inFlight.remove(key));
		});
	}

	/**
	 * Lists service versions with their runtime state, in one store query and one runtime
	 * call whatever their number.
	 * @param name only this service's versions, or all when {@code null}
	 * @return the versions, ordered by name then deployment time
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Flux<ServiceView> list(String name) {
		Flux<ServiceRecord> rows = (name != null) ? this.store.findByName(name) : this.store.findAll();
		return Mono.zip(rows.collectList(), containers())
			.flatMapMany((both) -> Flux.fromIterable(both.getT1()).map((row) -> view(row, both.getT2())));
	}

	/**
	 * Finds one service version.
	 * @param name service name
	 * @param version service version
	 * @return the version, or empty when it is not deployed
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<ServiceView> get(String name, String version) {
		return this.store.find(name, version).flatMap((row) -> containers().map((containers) -> view(row, containers)));
	}

	/**
	 * Reads the live details of a service version's container, with secret environment
	 * values masked.
	 * @param name service name
	 * @param version service version
	 * @return the details, or empty when the container is missing
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<ContainerDetails> inspect(String name, String version) {
		return this.runtime.inspect(ContainerSpec.containerName(name, version)).map(ServiceManager::masked);
	}

	/**
	 * Kills a service version: removes its container and its stored row, and optionally
	 * its image when no other service version uses it.
	 * @param name service name
	 * @param version service version
	 * @param removeImage whether to remove the image too
	 * @return whether the image was removed
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Boolean> kill(String name, String version, boolean removeImage, String newMain) {
		return Mono.defer(() -> {
			ServiceNames.checkName("input.name", name);
			ServiceNames.checkVersion("input.version", version);
			return this.store.findByName(name).collectList();
		}).flatMap((versions) -> {
			ServiceRecord row = versions.stream().filter((v) -> v.version().equals(version)).findFirst().orElse(null);
			if (row == null) {
				return Mono.error(notFound(name, version));
			}
			Mono<Void> handOver = Mono.empty();
			if (row.main() && versions.size() > 1) {
				if (newMain == null) {
					return Mono
						.error(new DaeployException(ErrorCode.MAIN_HAS_SHADOWS, "Version " + version + " is the main"
								+ " version of " + name + " and shadows run; name the new main version to kill it"));
				}
				if (newMain.equals(version) || versions.stream().noneMatch((v) -> v.version().equals(newMain))) {
					return Mono.error(DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.newMain",
							"The new main must be another deployed version of " + name));
				}
				handOver = this.store.assignMain(name, newMain);
			}
			// the container goes first: when the runtime refuses, nothing has changed
			this.watch.expectStop(name, version);
			return this.runtime.remove(row.containerName())
				.onErrorMap(RuntimeFailure.class, ServiceManager::translate)
				.doOnNext((removed) -> this.cache.removed(name, version))
				.then(handOver)
				.then(this.store.delete(name, version))
				.doOnSuccess((deleted) -> this.traffic.forget(name + "_" + version))
				.then((row.tokenId() != null) ? this.tokens.revoke(row.tokenId()) : Mono.just(false))
				.then(removeImage ? removeImageIfUnused(row.image()) : Mono.just(false));
		});
	}

	/**
	 * Makes a version its service's main version; the previous main becomes a shadow.
	 * @param name service name
	 * @param version the version to make main
	 * @return the new main and the previous one (empty when it was already main)
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<MainSwitch> assignMain(String name, String version) {
		return Mono.defer(() -> {
			ServiceNames.checkName("input.name", name);
			ServiceNames.checkVersion("input.version", version);
			return this.store.findByName(name).collectList();
		}).flatMap((versions) -> {
			ServiceRecord target = versions.stream()
				.filter((v) -> v.version().equals(version))
				.findFirst()
				.orElse(null);
			if (target == null) {
				return Mono.error(notFound(name, version));
			}
			ServiceRecord previous = versions.stream().filter(ServiceRecord::main).findFirst().orElse(null);
			Mono<Void> change = target.main() ? Mono.empty() : this.store.assignMain(name, version);
			return change.then(containers()).flatMap((containers) -> this.store.find(name, version).map((main) -> {
				ServiceView before = (previous == null || previous.version().equals(version)) ? null
						: view(previous.withMain(false), containers);
				return new MainSwitch(view(main, containers), before);
			}));
		}).doOnNext((change) -> {
			if (change.previousMain() != null) {
				logger.info("Main version of " + name + " is now " + version + " (was "
						+ change.previousMain().version() + ")");
			}
		});
	}

	private static DaeployException notFound(String name, String version) {
		return new DaeployException(ErrorCode.SERVICE_NOT_FOUND,
				"No service " + name + " with version " + version + " is deployed");
	}

	/**
	 * A change of main version.
	 *
	 * @param main the new main version
	 * @param previousMain the previous main, now a shadow; {@code null} when unchanged
	 */
	public record MainSwitch(ServiceView main, ServiceView previousMain) {
	}

	/**
	 * What to run for a stored service version.
	 * @param service the version
	 * @param token the service's own token, for {@code daeploy.auth}
	 * @return the container spec
	 */
	ContainerSpec containerSpec(ServiceRecord service, String token) {
		Map<String, String> env = new LinkedHashMap<>();
		for (DeployRequest.EnvVar variable : service.spec().env()) {
			env.put(variable.name(), variable.value());
		}
		env.put("daeploy.auth", token);
		env.put("daeploy.name", service.name());
		env.put("daeploy.version", service.version());
		env.put("DAEPLOY_MANAGER_URL", managerUrl());
		env.put("DAEPLOY_MANAGER_HOSTNAME", this.properties.hostName());
		Map<String, String> labels = new LinkedHashMap<>();
		for (DeployRequest.Label label : service.spec().labels()) {
			labels.put(label.key(), label.value());
		}
		List<ContainerSpec.VolumeMount> volumes = service.spec()
			.volumes()
			.stream()
			.map((volume) -> new ContainerSpec.VolumeMount(volume.source(), volume.target(),
					Boolean.TRUE.equals(volume.readOnly())))
			.toList();
		return new ContainerSpec(service.name(), service.version(), service.image(), service.port(), env,
				service.spec().command(), volumes, labels, service.spec().restartPolicy(), service.spec().memoryBytes(),
				service.spec().nanoCpus());
	}

	/**
	 * Reads every container of this manager in one runtime call.
	 * @return the containers, or {@link Containers#UNAVAILABLE} when the runtime does not
	 * answer
	 */
	Mono<Containers> containers() {
		return this.cache.containers()
			.map((byKey) -> new Containers(true, byKey))
			.onErrorResume(RuntimeFailure.class, (ex) -> Mono.just(Containers.UNAVAILABLE));
	}

	private Mono<ServiceView> start(ServiceRecord service) {
		return this.tokens.issueServiceToken(service.name(), service.version()).flatMap((issued) -> {
			ServiceRecord withToken = service.withTokenId(issued.record().id());
			return this.runtime.deploy(containerSpec(withToken, issued.token()))
				.onErrorMap(RuntimeFailure.class,
						(ex) -> (ex.kind() == RuntimeFailure.Kind.CONFLICT) ? exists(service.name(), service.version())
								: translate(ex))
				.doOnNext(this.cache::started)
				.flatMap((container) -> this.store.insert(withToken)
					.onErrorResume((ex) -> this.runtime.remove(container.id()).onErrorComplete().then(Mono.error(ex)))
					.map((stored) -> view(stored,
							new Containers(true,
									Map.of(ContainerStateCache.key(stored.name(), stored.version()), container)))))
				.onErrorResume((ex) -> this.tokens.revoke(issued.record().id()).onErrorComplete().then(Mono.error(ex)));
		})
			.doOnNext((view) -> logger.info("Deployed " + view.name() + " " + view.version() + " from " + view.image()
					+ (view.main() ? " as main version" : " as shadow version")));
	}

	/**
	 * The token a stored service version runs with: its own when still active, else a new
	 * one, which is stored with it.
	 * @param service the version
	 * @return the token
	 */
	Mono<String> serviceToken(ServiceRecord service) {
		Mono<String> fresh = this.tokens.issueServiceToken(service.name(), service.version())
			.flatMap((issued) -> this.store.updateToken(service.id(), issued.record().id()).thenReturn(issued.token()));
		return ((service.tokenId() != null) ? this.tokens.reissue(service.tokenId()) : Mono.<String>empty())
			.switchIfEmpty(fresh);
	}

	private Mono<Boolean> removeImageIfUnused(String image) {
		return this.store.countByImage(image)
			.flatMap((users) -> (users > 0) ? Mono.just(false) : this.runtime.removeImage(image))
			.onErrorResume(RuntimeFailure.class, (ex) -> {
				logger.warn("Could not remove image " + image + ": " + ex.getMessage());
				return Mono.just(false);
			});
	}

	private ServiceView view(ServiceRecord row, Containers containers) {
		ServiceState state;
		if (!containers.available()) {
			state = ServiceState.UNKNOWN;
		}
		else {
			ContainerInfo container = containers.byKey().get(ContainerStateCache.key(row.name(), row.version()));
			state = (container != null) ? ServiceState.of(container.state()) : ServiceState.MISSING;
		}
		return new ServiceView(row.name(), row.version(), row.image(), row.port(), row.main(), state,
				externalUrl() + "/services/" + row.name() + "_" + row.version() + "/", row.createdAt());
	}

	private String managerUrl() {
		String host = this.properties.managerInContainer() ? "daeploy-manager" : "host.docker.internal";
		return "http://" + host + ":" + this.proxy.httpPort();
	}

	private String externalUrl() {
		return this.properties.externalUrl(this.proxy.httpPort());
	}

	private DeploySpec validate(DeployRequest request) {
		ServiceNames.checkName("input.name", request.name());
		ServiceNames.checkVersion("input.version", request.version());
		if (request.image() == null || !IMAGE.matcher(request.image()).matches()) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.image",
					"The image must be a reference such as my_model:1.0.0, without spaces");
		}
		if (request.port() != null && (request.port() < 1 || request.port() > 65535)) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.port",
					"The port must be between 1 and 65535");
		}
		List<DeployRequest.EnvVar> env = orEmpty(request.env());
		for (int i = 0; i < env.size(); i++) {
			if (!ENV_NAME.matcher(env.get(i).name()).matches() || env.get(i).value().indexOf('\0') >= 0) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.env[" + i + "]",
						"An environment variable name must be non-empty and hold no '='");
			}
		}
		if (request.command() != null && request.command().isEmpty()) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.command",
					"The command must not be empty; leave it out to run the image's own");
		}
		List<DeployRequest.Volume> volumes = orEmpty(request.volumes());
		for (int i = 0; i < volumes.size(); i++) {
			DeployRequest.Volume volume = volumes.get(i);
			if (!volume.target().startsWith("/") || volume.target().contains(":")) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.volumes[" + i + "].target",
						"A volume target must be an absolute path inside the container");
			}
			if (!(volume.source().startsWith("/") && !volume.source().contains(":"))
					&& !VOLUME_NAME.matcher(volume.source()).matches()) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.volumes[" + i + "].source",
						"A volume source must be a volume name or an absolute host path");
			}
		}
		List<DeployRequest.Label> labels = orEmpty(request.labels());
		Set<String> reserved = new HashSet<>(this.runtime.reservedLabels());
		for (int i = 0; i < labels.size(); i++) {
			if (labels.get(i).key().isEmpty() || reserved.contains(labels.get(i).key())) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.labels[" + i + "].key",
						"Label keys must be non-empty and not one of the manager's own: " + reserved);
			}
		}
		Long memoryBytes = null;
		Long nanoCpus = null;
		if (request.resources() != null) {
			Integer memoryMb = request.resources().memoryMb();
			if (memoryMb != null && (memoryMb < 6 || memoryMb > 1_048_576)) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.resources.memoryMb",
						"The memory limit must be between 6 MiB and 1 TiB");
			}
			Double cpus = request.resources().cpus();
			if (cpus != null && (cpus.isNaN() || cpus < 0.01 || cpus > 1024)) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "input.resources.cpus",
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

	private static <T> List<T> orEmpty(List<T> list) {
		return (list != null) ? list : List.of();
	}

	private static DaeployException exists(String name, String version) {
		return new DaeployException(ErrorCode.SERVICE_EXISTS,
				"Service " + name + " with version " + version + " is already deployed");
	}

	static DaeployException translate(RuntimeFailure failure) {
		ErrorCode code = switch (failure.kind()) {
			case UNAVAILABLE -> ErrorCode.RUNTIME_UNAVAILABLE;
			case IMAGE_NOT_FOUND -> ErrorCode.IMAGE_NOT_FOUND;
			case CONFLICT, REFUSED -> ErrorCode.RUNTIME_ERROR;
		};
		return new DaeployException(code, failure.getMessage(),
				(code == ErrorCode.IMAGE_NOT_FOUND) ? "input.image" : null, failure);
	}

	private static ContainerDetails masked(ContainerDetails details) {
		Map<String, String> env = new LinkedHashMap<>(details.env());
		env.computeIfPresent("daeploy.auth", (name, value) -> "********");
		return new ContainerDetails(details.id(), details.name(), details.imageId(), details.state(), details.running(),
				details.startedAt(), details.finishedAt(), details.exitCode(), details.error(), details.restartCount(),
				details.oomKilled(), details.publishedAddress(), details.restartPolicy(), details.command(), env,
				details.labels());
	}

	/**
	 * The runtime's containers of this manager, keyed by {@link ContainerStateCache#key}.
	 *
	 * @param available whether the runtime answered
	 * @param byKey the containers
	 */
	record Containers(boolean available, Map<String, ContainerInfo> byKey) {

		static final Containers UNAVAILABLE = new Containers(false, Map.of());

	}

}
