package io.daeploy.manager.deployment;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.daeploy.manager.auth.TokenService;
import io.daeploy.manager.build.Cancellation;
import io.daeploy.manager.build.ImageRetention;
import io.daeploy.manager.build.S2iBuilds;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.runtime.RuntimeImages;
import io.daeploy.manager.service.ServiceLifecycle;
import io.daeploy.manager.upload.Uploads;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Runs deployment jobs, each a chain of steps with a state change stored between them:
 * <ul>
 * <li>deploy: wait for a build slot, {@code BUILDING} (claim the upload; S2I build or
 * image load, bounded by {@code DAEPLOY_BUILD_TIMEOUT}), {@code STARTING} (record the
 * token's id, start the container, pass the health gate, store and route the version),
 * {@code RUNNING};</li>
 * <li>stop: {@code STOPPING}, {@code STOPPED}; start and restart: ({@code STOPPING}),
 * {@code STARTING} with the version held out of the routes until it is healthy,
 * {@code RUNNING}.</li>
 * </ul>
 * A failure or a cancel first removes what the job made (container, token, built image),
 * then ends the deployment {@code FAILED} or {@code CANCELLED} with the reason, the build
 * log kept.
 */
@Component
class DeploymentJobs {

	/** Log lines stored with a deployment when it ends. */
	static final int STORED_LINES = 200;

	private static final Log logger = LogFactory.getLog(DeploymentJobs.class);

	private final DeploymentStore store;

	private final ServiceLifecycle lifecycle;

	private final S2iBuilds builds;

	private final ImageRetention retention;

	private final RuntimeImages images;

	private final Uploads uploads;

	private final HealthGate gate;

	private final BuildSlots slots;

	private final Duration buildTimeout;

	private final Path workDirs;

	private final DeploymentMetrics metrics;

	DeploymentJobs(DeploymentStore store, ServiceLifecycle lifecycle, S2iBuilds builds, ImageRetention retention,
			RuntimeImages images, Uploads uploads, HealthGate gate, DaeployProperties properties,
			DeploymentMetrics metrics) {
		this.metrics = metrics;
		this.store = store;
		this.lifecycle = lifecycle;
		this.builds = builds;
		this.retention = retention;
		this.images = images;
		this.uploads = uploads;
		this.gate = gate;
		this.slots = new BuildSlots(properties.maxConcurrentBuilds());
		this.buildTimeout = properties.buildTimeout();
		this.workDirs = workDirs(properties);
	}

	static Path workDirs(DaeployProperties properties) {
		return properties.dataDir().resolve("builds").toAbsolutePath().normalize();
	}

	String defaultBuilder() {
		return this.builds.defaultBuilder();
	}

	/**
	 * Runs a job in the background until its deployment has ended.
	 * @param job the job
	 * @param owner where its events go
	 */
	void run(Deployments.Job job, Deployments owner) {
		Deployment deployment = job.current();
		Mono<Void> steps = switch (deployment.kind()) {
			case DEPLOY -> deploy(job);
			case STOP -> stop(job);
			case START -> start(job, false);
			case RESTART -> start(job, true);
		};
		Path work = this.workDirs.resolve(Long.toString(deployment.id()));
		Mono.defer(() -> steps)
			.onErrorResume((ex) -> fail(job, ex))
			.then(Mono.fromRunnable(() -> delete(work)).subscribeOn(Schedulers.boundedElastic()))
			.subscribe(null, (ex) -> logger.error("Deployment " + deployment.id() + " could not be ended", ex));
	}

	private Mono<Void> deploy(Deployments.Job job) {
		Deployment deployment = job.current();
		DeploySource source = job.source();
		Cancellation cancel = job.cancel();
		Path work = this.workDirs.resolve(Long.toString(deployment.id()));
		Mono<ServiceLifecycle.DeployPlan> image = Mono.just(job.plan());
		if (source.builds()) {
			image = this.slots.acquire(cancel).flatMap((slot) -> {
				long buildStart = System.nanoTime();
				Disposable timer = Mono.delay(this.buildTimeout)
					.subscribe((tick) -> cancel.cancel("The build took longer than DAEPLOY_BUILD_TIMEOUT ("
							+ this.buildTimeout.toString().substring(2).toLowerCase() + ")", true));
				return transition(job, DeploymentState.BUILDING).then(cancel.checkpoint())
					.then(Mono.fromCallable(() -> claim(source, work)).subscribeOn(Schedulers.boundedElastic()))
					.flatMap((upload) -> source.isBuild() ? build(job, work, upload) : load(job, upload))
					// STARTING before the slot goes: never more BUILDING than slots
					.flatMap((plan) -> transition(job, DeploymentState.STARTING).thenReturn(plan))
					.doOnSuccess((plan) -> this.metrics.built("succeeded", System.nanoTime() - buildStart))
					.doOnError((ex) -> this.metrics.built(
							(cancel.isCancelled() && !cancel.isTimedOut()) ? "cancelled" : "failed",
							System.nanoTime() - buildStart))
					.doFinally((signal) -> {
						timer.dispose();
						slot.release();
					});
			});
		}
		String name = deployment.serviceName();
		String version = deployment.serviceVersion();
		Mono<Void> starting = source.builds() ? Mono.empty() : transition(job, DeploymentState.STARTING);
		return image.flatMap((plan) -> starting.then(cancel.checkpoint()).then(recordToken(job)).flatMap((tokenId) -> {
			job.line(info("Starting the container of " + name + " " + version + " from " + plan.image()));
			return this.lifecycle.startContainer(plan, tokenId)
				.then(health(job, plan.port()))
				.then(cancel.checkpoint())
				.then(this.lifecycle.store(plan, tokenId));
		})).flatMap((view) -> {
			job.line(info(name + " " + version + " runs" + (view.main() ? " as main version" : " as shadow") + " at "
					+ view.url()));
			return transition(job, DeploymentState.RUNNING);
		}).then(source.builds() ? this.retention.trim(name).onErrorResume((ex) -> Mono.empty()).then() : Mono.empty());
	}

	private Path claim(DeploySource source, Path work) throws IOException {
		Files.createDirectories(work);
		if (source.uploadId() == null) {
			return work;
		}
		Path upload = work.resolve("upload");
		this.uploads.claim(source.uploadId(), source.uploadField(), upload);
		return upload;
	}

	private Mono<ServiceLifecycle.DeployPlan> build(Deployments.Job job, Path work, Path upload) {
		Deployment deployment = job.current();
		DeploySource source = job.source();
		S2iBuilds.Request request = new S2iBuilds.Request(Long.toString(deployment.id()), deployment.serviceName(),
				deployment.serviceVersion(), source.image(), source.buildSource(upload), source.builder(), work);
		return this.builds.build(request, job::line, job.cancel())
			.doOnNext((built) -> job.line(info("Built " + built.image() + " (" + shortId(built.imageId()) + ")")))
			.thenReturn(job.plan());
	}

	private Mono<ServiceLifecycle.DeployPlan> load(Deployments.Job job, Path upload) {
		job.line(info("Loading the uploaded image into the Docker engine"));
		return this.images.load(upload).flatMap((loaded) -> {
			String image = loaded.get(0);
			job.line(info("Loaded " + String.join(", ", loaded) + "; deploying " + image));
			Deployment withImage = job.current().withImage(image, false);
			return this.store.update(withImage, null)
				.then(Mono.fromRunnable(() -> job.replace(withImage)))
				.then(Mono.fromCallable(() -> job.plan().withImage(image)));
		});
	}

	private Mono<String> recordToken(Deployments.Job job) {
		return Mono.defer(() -> {
			Deployment withToken = job.current().withTokenId(TokenService.newTokenId());
			return this.store.update(withToken, null)
				.then(Mono.fromRunnable(() -> job.replace(withToken)))
				.thenReturn(withToken.tokenId());
		});
	}

	private Mono<Void> health(Deployments.Job job, int port) {
		Deployment deployment = job.current();
		if (deployment.healthCheck() != null) {
			job.line(info("Waiting for the health check (" + deployment.healthCheck().describe() + ", every "
					+ deployment.healthCheck().interval().toMillis() + " ms, at most "
					+ deployment.healthCheck().timeout().toSeconds() + " s)"));
		}
		return this.gate
			.pass(deployment.serviceName(), deployment.serviceVersion(), port, deployment.healthCheck(), job.cancel())
			.doOnSuccess((passed) -> {
				if (deployment.healthCheck() != null) {
					job.line(info("The health check passed"));
				}
			});
	}

	private Mono<Void> stop(Deployments.Job job) {
		Deployment deployment = job.current();
		return transition(job, DeploymentState.STOPPING)
			.then(this.lifecycle.stopContainer(deployment.serviceName(), deployment.serviceVersion()))
			.then(transition(job, DeploymentState.STOPPED));
	}

	private Mono<Void> start(Deployments.Job job, boolean restart) {
		Deployment deployment = job.current();
		String name = deployment.serviceName();
		String version = deployment.serviceVersion();
		Mono<Void> stopFirst = restart
				? transition(job, DeploymentState.STOPPING).then(this.lifecycle.hold(name, version))
					.then(this.lifecycle.stopContainer(name, version))
				: Mono.empty();
		return stopFirst.then(transition(job, DeploymentState.STARTING))
			.then(job.cancel().checkpoint())
			.then(this.lifecycle.hold(name, version))
			.then(this.lifecycle.startContainer(name, version))
			.then(this.lifecycle.port(name, version))
			.flatMap((port) -> health(job, port))
			.then(job.cancel().checkpoint())
			.then(this.lifecycle.release(name, version))
			.then(transition(job, DeploymentState.RUNNING));
	}

	private Mono<Void> transition(Deployments.Job job, DeploymentState next) {
		return Mono.defer(() -> {
			Deployment current = job.current();
			if (!current.state().allows(next)) {
				return Mono.error(new IllegalStateException(
						"Deployment " + current.id() + " cannot go from " + current.state() + " to " + next));
			}
			Deployment updated = current.with(next, now());
			return this.store.update(updated, next.isFinal() ? stored(job) : null).then(Mono.fromRunnable(() -> {
				job.changed(updated);
				this.metrics.ended(updated);
			}));
		});
	}

	private Mono<Void> fail(Deployments.Job job, Throwable ex) {
		Deployment deployment = job.current();
		Cancellation cancel = job.cancel();
		DeploymentState end;
		ErrorCode code;
		String reason;
		if (ex instanceof Cancellation.Cancelled || cancel.isCancelled()) {
			boolean timedOut = cancel.isTimedOut();
			end = timedOut ? DeploymentState.FAILED : DeploymentState.CANCELLED;
			code = timedOut ? ErrorCode.BUILD_FAILED : ErrorCode.DEPLOYMENT_CANCELLED;
			reason = (cancel.reason() != null) ? cancel.reason() : ex.getMessage();
		}
		else if (ex instanceof DaeployException daeploy) {
			end = DeploymentState.FAILED;
			code = daeploy.code();
			reason = daeploy.getMessage();
		}
		else if (ex instanceof RuntimeFailure failure) {
			end = DeploymentState.FAILED;
			code = translate(failure).code();
			reason = failure.getMessage();
		}
		else {
			logger.error("Deployment " + deployment.id() + " failed unexpectedly", ex);
			end = DeploymentState.FAILED;
			code = ErrorCode.INTERNAL;
			reason = "Internal error (" + ex + "); the manager log has the details";
		}
		String name = deployment.serviceName();
		String version = deployment.serviceVersion();
		Mono<String> lastLines = Mono.just("");
		if (code == ErrorCode.HEALTH_CHECK_FAILED) {
			lastLines = this.lifecycle.recentLogs(name, version, 20).map((lines) -> {
				if (lines.isEmpty()) {
					return "";
				}
				job.line(info("The service's last log lines:"));
				lines.forEach(job::line);
				List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size())
					.stream()
					.map(LogLine::line)
					.toList();
				return "; its last log lines: " + String.join(" | ", last);
			});
		}
		Mono<Void> cleanup = switch (deployment.kind()) {
			case DEPLOY -> this.lifecycle.discard(name, version, deployment.tokenId())
				.then(deployment.built() && job.source().isBuild() ? removeBuiltImage(deployment) : Mono.empty());
			case START,
					RESTART ->
				this.lifecycle.stopContainer(name, version)
					.onErrorResume((stopFailure) -> Mono.empty())
					.then(this.lifecycle.release(name, version));
			case STOP -> Mono.empty();
		};
		return lastLines.flatMap((lines) -> cleanup.onErrorResume((cleanupFailure) -> {
			logger.warn("Deployment " + deployment.id() + ": cleanup failed: " + cleanupFailure.getMessage());
			return Mono.empty();
		}).then(Mono.defer(() -> {
			String full = reason + lines;
			job.line(error(((end == DeploymentState.CANCELLED) ? "Cancelled: " : "Failed: ") + full));
			Deployment ended = job.current().failed(end, code, full, now());
			logger
				.info("Deployment " + deployment.id() + " of " + name + " " + version + " ended " + end + ": " + full);
			return this.store.update(ended, stored(job)).then(Mono.fromRunnable(() -> {
				job.changed(ended);
				this.metrics.ended(ended);
			}));
		})));
	}

	/**
	 * Removes the image a failed build committed, if it did (the image carries the
	 * deployment).
	 */
	private Mono<Void> removeBuiltImage(Deployment deployment) {
		return this.images.inspect(deployment.image())
			.filter((image) -> Long.toString(deployment.id())
				.equals(image.labels().get(RuntimeImages.DEPLOYMENT_LABEL)))
			.flatMap((image) -> this.images.removeImage(image.id()))
			.then();
	}

	private static List<LogLine> stored(Deployments.Job job) {
		return job.tail(STORED_LINES).stream().map(DeploymentLog.Numbered::line).toList();
	}

	static DaeployException translate(RuntimeFailure failure) {
		ErrorCode code = switch (failure.kind()) {
			case UNAVAILABLE -> ErrorCode.RUNTIME_UNAVAILABLE;
			case IMAGE_NOT_FOUND -> ErrorCode.IMAGE_NOT_FOUND;
			case CONFLICT, REFUSED -> ErrorCode.RUNTIME_ERROR;
		};
		return new DaeployException(code, failure.getMessage(), null, failure);
	}

	private static LogLine info(String text) {
		return new LogLine(Instant.now(), LogLine.Stream.STDOUT, text, "INFO");
	}

	private static LogLine error(String text) {
		return new LogLine(Instant.now(), LogLine.Stream.STDERR, text, "ERROR");
	}

	private static String shortId(String id) {
		String bare = (id != null && id.startsWith("sha256:")) ? id.substring(7) : String.valueOf(id);
		return (bare.length() > 12) ? bare.substring(0, 12) : bare;
	}

	private static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MILLIS);
	}

	static void delete(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try {
			Files.walkFileTree(dir, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.delete(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
					Files.delete(directory);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			logger.warn("Could not remove " + dir + ": " + ex.getMessage());
		}
	}

}
