package io.daeploy.manager.service;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;

import io.daeploy.manager.auth.Caller;
import io.daeploy.manager.auth.Role;
import io.daeploy.manager.auth.TokenService;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerStateCache;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeConnector;
import io.daeploy.manager.runtime.RuntimeFailure;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The steps of a service version's life that deployment jobs drive: plan a deploy, start
 * its container, store and route it once it is healthy, discard it when it is not; stop,
 * start and restart a stored version. Callers are jobs whose submission was authorized;
 * these steps check no roles themselves.
 * <p>
 * A version is stored (and so routed and published) only by {@link #store}, after its
 * container started and passed its health check; until then it is a container of this
 * manager that nothing routes to.
 */
@Component
public class ServiceLifecycle {

	private static final Log logger = LogFactory.getLog(ServiceLifecycle.class);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final ServiceStore store;

	private final RuntimeConnector runtime;

	private final TokenService tokens;

	private final ContainerStateCache cache;

	private final ServiceWatch watch;

	private final ServiceContainers containers;

	private final ServiceViews views;

	private final ServiceRouting routing;

	private final ServiceValidator validator;

	private final boolean managerInContainer;

	private final List<Path> allowedHostPaths;

	ServiceLifecycle(ServiceStore store, RuntimeConnector runtime, TokenService tokens, ContainerStateCache cache,
			ServiceWatch watch, ServiceContainers containers, ServiceViews views, ServiceRouting routing,
			DaeployProperties properties) {
		this.store = store;
		this.runtime = runtime;
		this.tokens = tokens;
		this.cache = cache;
		this.watch = watch;
		this.containers = containers;
		this.views = views;
		this.routing = routing;
		this.validator = new ServiceValidator(new HashSet<>(runtime.reservedLabels()));
		this.managerInContainer = properties.managerInContainer();
		this.allowedHostPaths = List.copyOf(properties.allowedHostPaths());
	}

	/**
	 * Checks a deploy request and turns it into a plan. Pure: nothing is stored or run.
	 * @param request the request, with the image the version will run (for a build, the
	 * image it will be built as)
	 * @param caller who deploys: what they may mount from the host depends on it
	 * @return the plan
	 * @throws DaeployException naming the first field that is wrong
	 */
	public DeployPlan plan(DeployRequest request, Caller caller) {
		DeploySpec spec = this.validator.validate(request, access(caller));
		int port = (request.port() != null) ? request.port() : 8000;
		return new DeployPlan(request.name(), request.version(), request.image(), port, spec);
	}

	/**
	 * What a caller may mount from the host: admins anything, everyone else (users, and
	 * anyone at all when auth is off) only below the allowed host paths.
	 */
	private ServiceValidator.Access access(Caller caller) {
		return (caller.role() == Role.ADMIN) ? ServiceValidator.Access.ADMIN
				: new ServiceValidator.Access(false, this.allowedHostPaths);
	}

	/**
	 * Fails when the version is stored already.
	 * @param name service name
	 * @param version service version
	 * @return completion, or {@code SERVICE_EXISTS}
	 */
	public Mono<Void> checkNotDeployed(String name, String version) {
		return this.store.find(name, version).flatMap((existing) -> Mono.<Void>error(exists(name, version)));
	}

	/**
	 * Fails when the version is not stored.
	 * @param name service name
	 * @param version service version
	 * @return completion, or {@code SERVICE_NOT_FOUND}
	 */
	public Mono<Void> checkDeployed(String name, String version) {
		return Mono.defer(() -> {
			ServiceValidator.checkIdentity(name, version);
			return this.store.find(name, version);
		})
			.switchIfEmpty(Mono.error(() -> new DaeployException(ErrorCode.SERVICE_NOT_FOUND,
					"No service " + name + " with version " + version + " is deployed")))
			.then();
	}

	/**
	 * Starts a planned version's container with a new token of its own. On failure the
	 * token is revoked and no container is left.
	 * @param plan the plan
	 * @param tokenId the id the token gets, recorded by the caller beforehand
	 * @return the started container
	 */
	public Mono<ContainerInfo> startContainer(DeployPlan plan, String tokenId) {
		ServiceRecord service = plan.record(tokenId);
		return this.tokens.issueServiceToken(plan.name(), plan.version(), tokenId)
			.flatMap((issued) -> this.runtime.deploy(this.containers.spec(service, issued.token()))
				.onErrorMap(RuntimeFailure.class,
						(ex) -> (ex.kind() == RuntimeFailure.Kind.CONFLICT) ? exists(plan.name(), plan.version())
								: ServiceManager.translate(ex))
				.doOnNext(this.cache::observed))
			.onErrorResume((ex) -> this.tokens.revoke(tokenId).onErrorComplete().then(Mono.error(ex)));
	}

	/**
	 * Stores a started version (it becomes main when its service has none) and waits
	 * until it is routed.
	 * @param plan the plan
	 * @param tokenId its token's id
	 * @return the stored version as clients see it
	 */
	public Mono<ServiceView> store(DeployPlan plan, String tokenId) {
		return this.store.insert(plan.record(tokenId))
			.flatMap((stored) -> this.routing.routed().then(this.views.containers()).map((all) -> {
				ServiceView view = this.views.view(stored, all);
				logger.info("Deployed " + view.name() + " " + view.version() + " from " + view.image()
						+ (view.main() ? " as main version" : " as shadow version"));
				return view;
			}));
	}

	/**
	 * Removes what a job made of a version that is not stored: its container and its
	 * token. A stored version (and the token it runs with) is left alone.
	 * @param name service name
	 * @param version service version
	 * @param tokenId its token's id, or {@code null}
	 * @return completion
	 */
	public Mono<Void> discard(String name, String version, String tokenId) {
		return this.store.find(name, version)
			.hasElement()
			.flatMap((stored) -> stored ? Mono.<Void>empty() : removeContainer(name, version)
				.then((tokenId != null) ? this.tokens.revoke(tokenId).then() : Mono.<Void>empty()));
	}

	/**
	 * Removes a version a job left half made, stored or not: its row (unrouted first),
	 * its container and its token. For versions whose deploy was interrupted.
	 * @param name service name
	 * @param version service version
	 * @param tokenId its token's id, or {@code null}
	 * @return completion
	 */
	public Mono<Void> removeLeftover(String name, String version, String tokenId) {
		return removeContainer(name, version).then(this.routing.routed())
			.then(this.store.delete(name, version))
			.then((tokenId != null) ? this.tokens.revoke(tokenId).then() : Mono.empty());
	}

	private Mono<Void> removeContainer(String name, String version) {
		this.watch.expectStop(name, version);
		return this.runtime.remove(name, version)
			.onErrorMap(RuntimeFailure.class, ServiceManager::translate)
			.doOnNext((removed) -> this.cache.removed(name, version))
			.then();
	}

	/**
	 * A version's container as the runtime sees it now.
	 * @param name service name
	 * @param version service version
	 * @return its details, or empty when there is none
	 */
	public Mono<ContainerDetails> inspect(String name, String version) {
		return this.runtime.inspect(name, version).onErrorMap(RuntimeFailure.class, ServiceManager::translate);
	}

	/**
	 * Where the manager reaches a version's port: the published address on the host, or
	 * the container's name on the network when the manager runs in a container.
	 * @param details the container
	 * @param port the service's port in the container
	 * @return {@code host:port}, or {@code null} when it is not reachable (yet)
	 */
	public String address(ContainerDetails details, int port) {
		if (this.managerInContainer) {
			return details.name() + ":" + port;
		}
		return details.publishedAddress();
	}

	/**
	 * A version's last log lines, e.g. to say why it failed its health check.
	 * @param name service name
	 * @param version service version
	 * @param tail how many
	 * @return the lines, oldest first; empty when they cannot be read
	 */
	public Mono<List<LogLine>> recentLogs(String name, String version, int tail) {
		return this.runtime.logs(name, version, tail, null, false)
			.take(tail)
			.collectList()
			.timeout(Duration.ofSeconds(10))
			.onErrorReturn(List.of());
	}

	/**
	 * A stored version as clients see it.
	 * @param name service name
	 * @param version service version
	 * @return the view, or empty when it is not stored
	 */
	public Mono<ServiceView> view(String name, String version) {
		return this.store.find(name, version)
			.flatMap((row) -> this.views.containers().map((all) -> this.views.view(row, all)));
	}

	/**
	 * The port a stored version listens on in its container.
	 * @param name service name
	 * @param version service version
	 * @return the port, or empty when it is not stored
	 */
	public Mono<Integer> port(String name, String version) {
		return this.store.find(name, version).map(ServiceRecord::port);
	}

	/**
	 * Stops a stored version's container; it stays, stopped, and is no longer routed.
	 * @param name service name
	 * @param version service version
	 * @return completion
	 */
	public Mono<Void> stopContainer(String name, String version) {
		return Mono.defer(() -> {
			this.watch.expectStop(name, version);
			return this.runtime.stop(name, version, STOP_TIMEOUT);
		})
			.onErrorMap(RuntimeFailure.class, ServiceManager::translate)
			.flatMap((found) -> found ? refresh(name, version).then(this.routing.routed())
					: Mono.error(new DaeployException(ErrorCode.CONTAINER_NOT_FOUND,
							"Service " + name + " " + version + " has no container")));
	}

	/**
	 * Starts a stored version's existing container, re-creating it from the stored deploy
	 * options when it is gone. It is routed as soon as it runs.
	 * @param name service name
	 * @param version service version
	 * @return the started container
	 */
	public Mono<ContainerInfo> startContainer(String name, String version) {
		return this.runtime.start(name, version)
			.switchIfEmpty(Mono.defer(() -> this.store.find(name, version)
				.flatMap((row) -> serviceToken(row)
					.flatMap((token) -> this.runtime.deploy(this.containers.spec(row, token))))))
			.onErrorMap(RuntimeFailure.class, ServiceManager::translate)
			.doOnNext(this.cache::observed);
	}

	/**
	 * Keeps a stored version out of the routes while it runs, e.g. while a restart waits
	 * for its health check.
	 * @param name service name
	 * @param version service version
	 * @return completion once the routes leave it out
	 */
	public Mono<Void> hold(String name, String version) {
		return this.routing.hold(name, version);
	}

	/**
	 * Routes a held version again.
	 * @param name service name
	 * @param version service version
	 * @return completion once routed (when it runs)
	 */
	public Mono<Void> release(String name, String version) {
		return this.routing.release(name, version);
	}

	private Mono<String> serviceToken(ServiceRecord service) {
		Mono<String> fresh = this.tokens.issueServiceToken(service.name(), service.version())
			.flatMap((issued) -> this.store.updateToken(service.id(), issued.record().id()).thenReturn(issued.token()));
		return ((service.tokenId() != null) ? this.tokens.reissue(service.tokenId()) : Mono.<String>empty())
			.switchIfEmpty(fresh);
	}

	private Mono<Void> refresh(String name, String version) {
		return this.runtime.inspect(name, version)
			.flatMap((details) -> this.runtime.observe(details.id()))
			.doOnNext(this.cache::observed)
			.onErrorComplete()
			.then();
	}

	private static DaeployException exists(String name, String version) {
		return new DaeployException(ErrorCode.SERVICE_EXISTS,
				"Service " + name + " with version " + version + " is already deployed");
	}

	/**
	 * A checked deploy: what to store and run.
	 *
	 * @param name service name
	 * @param version service version
	 * @param image the image it runs
	 * @param port its port in the container
	 * @param spec its validated options
	 */
	public record DeployPlan(String name, String version, String image, int port, DeploySpec spec) {

		/**
		 * The plan with another image, e.g. the one an uploaded tarball held.
		 * @param newImage the image
		 * @return the plan
		 */
		public DeployPlan withImage(String newImage) {
			return new DeployPlan(this.name, this.version, newImage, this.port, this.spec);
		}

		ServiceRecord record(String tokenId) {
			return new ServiceRecord(null, this.name, this.version, this.image, this.port, false, this.spec,
					Instant.now().truncatedTo(ChronoUnit.MILLIS), tokenId);
		}

	}

}
