package io.daeploy.manager.deployment;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeImages;
import io.daeploy.manager.service.ServiceLifecycle;
import io.daeploy.manager.service.StartupRepair;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Ends what a crash interrupted. At start, before the server takes requests, every
 * deployment that had not ended is marked {@code FAILED} ("Interrupted by a manager
 * restart") and the builds' work folders are removed. Once the runtime answers, before
 * reconciliation: every build container of this manager is removed, and so is what each
 * interrupted deploy made: its container, its row (unrouted first), its token and the
 * image it built.
 */
@Component
class DeploymentRecovery implements StartupRepair, SmartInitializingSingleton {

	static final String REASON = "Interrupted by a manager restart";

	private static final Log logger = LogFactory.getLog(DeploymentRecovery.class);

	private final DeploymentStore store;

	private final ServiceLifecycle lifecycle;

	private final RuntimeImages images;

	private final DaeployProperties properties;

	private volatile List<Deployment> interrupted = List.of();

	DeploymentRecovery(DeploymentStore store, ServiceLifecycle lifecycle, RuntimeImages images,
			DaeployProperties properties) {
		this.store = store;
		this.lifecycle = lifecycle;
		this.images = images;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		LogLine line = new LogLine(now, LogLine.Stream.STDERR, "Failed: " + REASON, "ERROR");
		List<Deployment> active = this.store.active().collectList().block(Duration.ofMinutes(1));
		List<Deployment> ended = Flux.fromIterable((active != null) ? active : List.<Deployment>of())
			.concatMap((deployment) -> {
				Deployment failed = deployment.failed(DeploymentState.FAILED, ErrorCode.DEPLOYMENT_INTERRUPTED, REASON,
						now);
				return this.store.update(failed, List.of(line)).thenReturn(failed);
			})
			.collectList()
			.block(Duration.ofMinutes(1));
		this.interrupted = (ended != null) ? ended : List.of();
		if (!this.interrupted.isEmpty()) {
			logger.warn("Marked " + this.interrupted.size() + " deployments interrupted by a restart FAILED: "
					+ this.interrupted.stream()
						.map((d) -> d.id() + " (" + d.serviceName() + " " + d.serviceVersion() + ")")
						.toList());
		}
		DeploymentJobs.delete(DeploymentJobs.workDirs(this.properties));
	}

	@Override
	public Mono<Void> repair() {
		List<Deployment> deploys = this.interrupted.stream()
			.filter((deployment) -> deployment.kind() == Deployment.Kind.DEPLOY)
			.toList();
		Mono<Long> containers = this.images.buildContainers()
			.concatMap((id) -> this.images.removeContainer(id))
			.filter(Boolean::booleanValue)
			.count();
		Flux<String> leftovers = Flux.fromIterable(deploys)
			.concatMap((deployment) -> this.lifecycle
				.removeLeftover(deployment.serviceName(), deployment.serviceVersion(), deployment.tokenId())
				.then(this.images.builtImages(deployment.serviceName())
					.filter((image) -> Long.toString(deployment.id())
						.equals(image.labels().get(RuntimeImages.DEPLOYMENT_LABEL)))
					.concatMap((image) -> this.images.removeImage(image.id()))
					.then())
				.thenReturn(deployment.serviceName() + " " + deployment.serviceVersion())
				.onErrorResume((ex) -> {
					logger.error("Could not remove what deployment " + deployment.id() + " left: " + ex.getMessage());
					return Mono.empty();
				}));
		return containers.flatMap((removed) -> leftovers.collectList().doOnNext((cleaned) -> {
			if (removed > 0 || !cleaned.isEmpty()) {
				logger.warn("Removed " + removed + " build containers and what interrupted deploys left of " + cleaned);
			}
			this.interrupted = List.of();
		})).then();
	}

}
