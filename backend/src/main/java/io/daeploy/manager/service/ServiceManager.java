package io.daeploy.manager.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.daeploy.manager.auth.TokenService;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.TrafficStats;
import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerStateCache;
import io.daeploy.manager.runtime.RuntimeConnector;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Lists, inspects and kills service versions and switches their main version: the store
 * says what should run, the runtime runs it. Deploys, stops and starts are jobs (see
 * {@link ServiceLifecycle} for their steps).
 */
@Service
public class ServiceManager {

	private static final Log logger = LogFactory.getLog(ServiceManager.class);

	private final ServiceStore store;

	private final RuntimeConnector runtime;

	private final TokenService tokens;

	private final ContainerStateCache cache;

	private final TrafficStats traffic;

	private final ServiceWatch watch;

	private final ServiceContainers containers;

	private final ServiceViews views;

	private final ServiceRouting routing;

	ServiceManager(ServiceStore store, RuntimeConnector runtime, TokenService tokens, ContainerStateCache cache,
			TrafficStats traffic, ServiceWatch watch, ServiceContainers containers, ServiceViews views,
			ServiceRouting routing, DaeployProperties properties) {
		this.store = store;
		this.runtime = runtime;
		this.tokens = tokens;
		this.cache = cache;
		this.traffic = traffic;
		this.watch = watch;
		this.containers = containers;
		this.views = views;
		this.routing = routing;
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
		return Mono.zip(rows.collectList(), this.views.containers())
			.flatMapIterable((both) -> this.views.views(both.getT1(), both.getT2()));
	}

	/**
	 * Finds one service version.
	 * @param name service name
	 * @param version service version
	 * @return the version, or empty when it is not deployed
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<ServiceView> get(String name, String version) {
		return this.store.find(name, version)
			.flatMap((row) -> this.views.containers().map((all) -> this.views.view(row, all)));
	}

	/**
	 * How many service versions are stored, without a store read.
	 * @return the count
	 */
	public int count() {
		return this.store.current().size();
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
		Set<String> secrets = this.store.current()
			.stream()
			.filter((row) -> row.name().equals(name) && row.version().equals(version))
			.flatMap((row) -> row.spec().env().stream())
			.filter(DeployRequest.EnvVar::isSecret)
			.map(DeployRequest.EnvVar::name)
			.collect(java.util.stream.Collectors.toSet());
		return this.runtime.inspect(name, version).map((details) -> masked(details, secrets));
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
			ServiceValidator.checkIdentity(name, version);
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
					return Mono.error(DaeployException.invalid(ErrorCode.INVALID_INPUT, "newMain",
							"The new main must be another deployed version of " + name));
				}
				handOver = this.store.assignMain(name, newMain);
			}
			// the container goes first: when the runtime refuses, nothing has changed;
			// then
			// the version is unrouted before its row goes
			this.watch.expectStop(name, version);
			return this.runtime.remove(name, version)
				.onErrorMap(RuntimeFailure.class, ServiceManager::translate)
				.doOnNext((removed) -> this.cache.removed(name, version))
				.then(this.routing.routed())
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
			ServiceValidator.checkIdentity(name, version);
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
			return change.then(this.routing.routed())
				.then(this.views.containers())
				.flatMap((all) -> this.store.find(name, version).map((main) -> {
					ServiceView before = (previous == null || previous.version().equals(version)) ? null
							: this.views.view(previous.withMain(false), all);
					return new MainSwitch(this.views.view(main, all), before);
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

	static DaeployException translate(RuntimeFailure failure) {
		ErrorCode code = switch (failure.kind()) {
			case UNAVAILABLE -> ErrorCode.RUNTIME_UNAVAILABLE;
			case IMAGE_NOT_FOUND -> ErrorCode.IMAGE_NOT_FOUND;
			case CONFLICT, REFUSED -> ErrorCode.RUNTIME_ERROR;
		};
		return new DaeployException(code, failure.getMessage(), (code == ErrorCode.IMAGE_NOT_FOUND) ? "image" : null,
				failure);
	}

	/** What a secret's value looks like wherever it is shown. */
	public static final String MASK = "********";

	/** The variables whose values are always masked: the service's own token. */
	public static final Set<String> ALWAYS_SECRET = Set.of("daeploy.auth");

	private static ContainerDetails masked(ContainerDetails details, Set<String> secrets) {
		Map<String, String> env = new LinkedHashMap<>(details.env());
		env.replaceAll((name, value) -> (secrets.contains(name) || ALWAYS_SECRET.contains(name)) ? MASK : value);
		return details.withEnv(env);
	}

}
