package io.daeploy.manager.deployment;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.daeploy.manager.auth.Caller;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.runtime.RuntimeImages;
import io.daeploy.manager.service.ServiceLifecycle;
import io.daeploy.manager.service.ServiceView;
import io.daeploy.manager.upload.Uploads;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Deployments as jobs: a deploy (from an image or from source), stop, start or restart of
 * a service version is checked, stored as a {@code QUEUED} deployment and returned at
 * once; {@link DeploymentJobs} runs it. Its state changes and log lines stream to
 * subscribers live, each emitted after the change is stored.
 * <p>
 * Bad input is refused before anything is stored: an error with a code, and nothing
 * changed. Everything that can only be found out by doing it (a git URL that does not
 * answer, an archive that is not one, an {@code assemble} that fails, a health check that
 * never passes) ends the deployment {@code FAILED} with the reason, and leaves nothing
 * behind.
 */
@Service
public class Deployments {

	/** Events a slow subscriber may fall behind by before its stream fails. */
	static final int SUBSCRIBER_BUFFER = 4096;

	/** Finished deployments whose whole log stays in memory. */
	private static final int KEPT_FINISHED = 50;

	private static final Pattern IMAGE = Pattern.compile("[^\\s\\x00]{1,255}");

	private static final Log logger = LogFactory.getLog(Deployments.class);

	private final DeploymentStore store;

	private final ServiceLifecycle lifecycle;

	private final RuntimeImages images;

	private final Uploads uploads;

	private final DeploymentJobs jobs;

	/** Active deployments and the most recent finished ones. */
	private final Map<Long, Job> held = new ConcurrentHashMap<>();

	private final Map<Long, Job> finished = new LinkedHashMap<>(16, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Job> eldest) {
			boolean evict = size() > KEPT_FINISHED;
			if (evict) {
				Deployments.this.held.remove(eldest.getKey());
			}
			return evict;
		}

	};

	private final Sinks.Many<DeploymentEvent> events = Sinks.many().multicast().directBestEffort();

	Deployments(DeploymentStore store, ServiceLifecycle lifecycle, RuntimeImages images, Uploads uploads,
			DeploymentJobs jobs) {
		this.store = store;
		this.lifecycle = lifecycle;
		this.images = images;
		this.uploads = uploads;
		this.jobs = jobs;
	}

	/**
	 * Submits a deploy.
	 * @param command what to deploy
	 * @return the queued deployment, at once
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Deployment> deploy(DeployCommand command) {
		return Caller.current().flatMap((caller) -> Mono.defer(() -> {
			DeploySource source = DeploySource.resolve(command, this.images, this.uploads, this.jobs.defaultBuilder());
			HealthCheck health = (command.healthCheck() != null)
					? HealthCheck.of(command.healthCheck().kind(), command.healthCheck().path(),
							command.healthCheck().intervalSeconds(), command.healthCheck().timeoutSeconds())
					: null;
			ServiceLifecycle.DeployPlan plan = this.lifecycle.plan(command.request(source.image()), caller);
			Mono<Void> imageThere = (source.kind() == DeploySource.Kind.IMAGE)
					? checkImage(source.image(), source.field()) : Mono.empty();
			return this.lifecycle.checkNotDeployed(command.name(), command.version())
				.then(imageThere)
				.then(Mono
					.defer(() -> this.store.insert(new Deployment(0, Deployment.Kind.DEPLOY, DeploymentState.QUEUED,
							null, null, command.name(), command.version(), source.shown(), source.builder(),
							source.image(), source.builds(), health, null, caller.name(), now(), null, null))))
				.onErrorMap(DeploymentStore.ActiveJobExists.class,
						(ex) -> new DaeployException(ErrorCode.SERVICE_EXISTS,
								"Service " + command.name() + " with version " + command.version()
										+ " is being deployed already"))
				.map((deployment) -> launch(deployment, plan, source));
		}));
	}

	/**
	 * Submits a stop of a deployed version: its container stops and stays, unrouted.
	 * @param name service name
	 * @param version service version
	 * @return the queued deployment
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Deployment> stop(String name, String version) {
		return submit(Deployment.Kind.STOP, name, version);
	}

	/**
	 * Submits a start of a deployed version, behind its health check.
	 * @param name service name
	 * @param version service version
	 * @return the queued deployment
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Deployment> start(String name, String version) {
		return submit(Deployment.Kind.START, name, version);
	}

	/**
	 * Submits a restart of a deployed version: stop, then start behind its health check.
	 * @param name service name
	 * @param version service version
	 * @return the queued deployment
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Deployment> restart(String name, String version) {
		return submit(Deployment.Kind.RESTART, name, version);
	}

	private Mono<Deployment> submit(Deployment.Kind kind, String name, String version) {
		return this.lifecycle.checkDeployed(name, version)
			.then(this.store.healthCheckOf(name, version)
				.map(java.util.Optional::of)
				.defaultIfEmpty(java.util.Optional.empty()))
			.zipWith(this.lifecycle.view(name, version))
			.flatMap((both) -> Caller.current()
				.flatMap((caller) -> this.store.insert(new Deployment(0, kind, DeploymentState.QUEUED, null, null, name,
						version, "deployed version", null, both.getT2().image(), false, both.getT1().orElse(null), null,
						caller.name(), now(), null, null))))
			.onErrorMap(DeploymentStore.ActiveJobExists.class,
					(ex) -> new DaeployException(ErrorCode.DEPLOYMENT_IN_PROGRESS,
							"Service " + name + " " + version
									+ " has a deployment under way; wait for it to end or cancel it"))
			.map((deployment) -> launch(deployment, null, null));
	}

	private Deployment launch(Deployment deployment, ServiceLifecycle.DeployPlan plan, DeploySource source) {
		Job job = new Job(deployment, plan, source);
		this.held.put(deployment.id(), job);
		logger.info("Deployment " + deployment.id() + ": " + deployment.kind().name().toLowerCase() + " "
				+ deployment.serviceName() + " " + deployment.serviceVersion() + " from " + deployment.source());
		this.jobs.run(job, this);
		return deployment;
	}

	/**
	 * Cancels a deployment: a queued one leaves the queue, a build or a start stops and
	 * what it made is removed. A deployment that has ended stays as it is.
	 * @param id the deployment
	 * @return the deployment once it has ended (or as it is, if it does not end within a
	 * few seconds)
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Deployment> cancel(long id) {
		return Caller.current().flatMap((caller) -> {
			Job job = this.held.get(id);
			if (job == null || job.current().state().isFinal()) {
				return find(id);
			}
			job.cancel().cancel("Cancelled by " + caller.name(), false);
			return job.ended().timeout(java.time.Duration.ofSeconds(30), Mono.fromSupplier(job::current));
		});
	}

	/**
	 * One deployment.
	 * @param id its id
	 * @return it, or empty
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Deployment> get(long id) {
		Job job = this.held.get(id);
		return (job != null) ? Mono.just(job.current()) : this.store.find(id);
	}

	private Mono<Deployment> find(long id) {
		Job job = this.held.get(id);
		return ((job != null) ? Mono.just(job.current()) : this.store.find(id)).switchIfEmpty(
				Mono.error(() -> new DaeployException(ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment with id " + id)));
	}

	/**
	 * Deployments, newest first.
	 * @param first at most this many (1 to 500)
	 * @param before only older than this id, or {@code null}
	 * @param serviceName only this service's, or {@code null}
	 * @return the page
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Page> page(int first, Long before, String serviceName) {
		if (first < 1 || first > 500) {
			return Mono.error(DaeployException.invalid(ErrorCode.INVALID_INPUT, "first", "first must be 1 to 500"));
		}
		return this.store.page(first + 1, before, serviceName).collectList().map((rows) -> {
			List<Deployment> page = new ArrayList<>(rows.subList(0, Math.min(first, rows.size())));
			page.replaceAll((row) -> {
				Job job = this.held.get(row.id());
				return (job != null) ? job.current() : row;
			});
			return new Page(page, rows.size() > first);
		});
	}

	/**
	 * The last lines of a deployment's log.
	 * @param id the deployment
	 * @param tail at most this many (1 to 5000)
	 * @return the lines, oldest first
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<List<LogLine>> log(long id, int tail) {
		int bounded = Math.max(1, Math.min(tail, DeploymentLog.MAX_LINES));
		Job job = this.held.get(id);
		if (job != null) {
			return Mono.just(job.tail(bounded).stream().map(DeploymentLog.Numbered::line).toList());
		}
		return this.store.logTail(id)
			.map((lines) -> (lines.size() > bounded) ? List.copyOf(lines.subList(lines.size() - bounded, lines.size()))
					: lines);
	}

	/**
	 * A deployment's events: its state now, the log lines so far, then every state change
	 * and log line as it happens, until it ends.
	 * @param id the deployment
	 * @return the events; a subscriber that falls more than {@value #SUBSCRIBER_BUFFER}
	 * events behind gets an error rather than holding anything up
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Flux<DeploymentEvent> events(long id) {
		return Flux.defer(() -> {
			Job job = this.held.get(id);
			if (job == null) {
				return find(id).map((deployment) -> new DeploymentEvent(id, 0, deployment.state(), deployment, null))
					.flux();
			}
			return job.follow();
		});
	}

	/**
	 * A deployment's outcome: the service version once it ends {@code RUNNING} or
	 * {@code STOPPED}, the failure otherwise.
	 * @param id the deployment
	 * @return the version as clients see it; an error with the deployment's code and
	 * reason when it failed or was cancelled
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<ServiceView> outcome(long id) {
		Job job = this.held.get(id);
		Mono<Deployment> end = (job != null) ? job.ended() : find(id);
		return end.flatMap((deployment) -> switch (deployment.state()) {
			case RUNNING, STOPPED -> this.lifecycle.view(deployment.serviceName(), deployment.serviceVersion());
			case CANCELLED -> Mono.error(new DaeployException(ErrorCode.DEPLOYMENT_CANCELLED,
					"Deployment " + id + " was cancelled: " + deployment.reason()));
			default ->
				Mono.error(new DaeployException((deployment.code() != null) ? deployment.code() : ErrorCode.INTERNAL,
						"Deployment " + id + " failed: " + deployment.reason()));
		});
	}

	private Mono<Void> checkImage(String image, String field) {
		if (image == null || !IMAGE.matcher(image).matches()) {
			return Mono.error(DaeployException.invalid(ErrorCode.INVALID_INPUT, field,
					"The image must be a reference such as my_model:1.0.0, without spaces"));
		}
		return this.images.inspect(image)
			.onErrorMap(RuntimeFailure.class, DeploymentJobs::translate)
			.switchIfEmpty(Mono.error(() -> DaeployException.invalid(ErrorCode.IMAGE_NOT_FOUND, field,
					"Image '" + image
							+ "' is not on the Docker engine (images are never pulled; upload one with imageUpload)")))
			.then();
	}

	/**
	 * Publishes an event of a job; called with the job's lock held, so events and the
	 * snapshots subscribers start from are in one order.
	 */
	void publish(DeploymentEvent event) {
		synchronized (this.events) {
			this.events.tryEmitNext(event);
		}
	}

	/**
	 * Called by the job once its deployment has ended and is stored.
	 */
	void ended(Job job) {
		synchronized (this.finished) {
			this.finished.put(job.id(), job);
		}
	}

	Flux<DeploymentEvent> live(long id) {
		return this.events.asFlux().filter((event) -> event.deploymentId() == id);
	}

	private static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MILLIS);
	}

	/**
	 * A page of deployments.
	 *
	 * @param deployments the deployments, newest first
	 * @param hasMore whether older ones exist
	 */
	public record Page(List<Deployment> deployments, boolean hasMore) {
	}

	/**
	 * One deployment being run (or recently run): its state, its log, its cancellation.
	 */
	final class Job {

		private final ServiceLifecycle.DeployPlan plan;

		private final DeploySource source;

		private final io.daeploy.manager.build.Cancellation cancel = new io.daeploy.manager.build.Cancellation();

		private final DeploymentLog log = new DeploymentLog();

		private final Sinks.One<Deployment> end = Sinks.one();

		private Deployment deployment;

		private long sequence;

		Job(Deployment deployment, ServiceLifecycle.DeployPlan plan, DeploySource source) {
			this.deployment = deployment;
			this.plan = plan;
			this.source = source;
		}

		long id() {
			return this.deployment.id();
		}

		synchronized Deployment current() {
			return this.deployment;
		}

		ServiceLifecycle.DeployPlan plan() {
			return this.plan;
		}

		DeploySource source() {
			return this.source;
		}

		io.daeploy.manager.build.Cancellation cancel() {
			return this.cancel;
		}

		Mono<Deployment> ended() {
			return this.end.asMono();
		}

		synchronized List<DeploymentLog.Numbered> tail(int tail) {
			return this.log.tail(tail);
		}

		/**
		 * Adds a log line and publishes it.
		 */
		synchronized void line(LogLine line) {
			long number = ++this.sequence;
			this.log.add(number, line);
			publish(new DeploymentEvent(id(), number, null, null, line));
		}

		/**
		 * Takes a stored change of facts (not of state) into memory.
		 */
		synchronized void replace(Deployment stored) {
			this.deployment = stored;
		}

		/**
		 * Takes a stored state change into memory and publishes it.
		 */
		void changed(Deployment stored) {
			synchronized (this) {
				this.deployment = stored;
				publish(new DeploymentEvent(id(), ++this.sequence, stored.state(), stored, null));
			}
			if (stored.state().isFinal()) {
				Deployments.this.ended(this);
				this.end.tryEmitValue(stored);
			}
		}

		/**
		 * The state now, the lines held, then the live events after them, until the end.
		 */
		Flux<DeploymentEvent> follow() {
			return Flux.defer(() -> {
				Sinks.Many<DeploymentEvent> relay = Sinks.many()
					.unicast()
					.onBackpressureBuffer(Queues.<DeploymentEvent>get(SUBSCRIBER_BUFFER).get());
				List<DeploymentEvent> start = new ArrayList<>();
				Disposable subscription;
				long after;
				synchronized (this) {
					after = this.sequence;
					start.add(new DeploymentEvent(id(), after, this.deployment.state(), this.deployment, null));
					for (DeploymentLog.Numbered numbered : this.log.tail(DeploymentLog.MAX_LINES)) {
						start.add(new DeploymentEvent(id(), numbered.sequence(), null, null, numbered.line()));
					}
					if (this.deployment.state().isFinal()) {
						return Flux.fromIterable(start);
					}
					subscription = live(id()).filter((event) -> event.sequence() > after).subscribe((event) -> {
						Sinks.EmitResult result = relay.tryEmitNext(event);
						if (result.isFailure() && result != Sinks.EmitResult.FAIL_TERMINATED
								&& result != Sinks.EmitResult.FAIL_CANCELLED) {
							relay.tryEmitError(new IllegalStateException(
									"The subscriber fell more than " + SUBSCRIBER_BUFFER + " events behind"));
						}
						if (event.isFinal()) {
							relay.tryEmitComplete();
						}
					});
				}
				return Flux.concat(Flux.fromIterable(start), relay.asFlux())
					.doFinally((signal) -> subscription.dispose());
			});
		}

	}

}
