package io.daeploy.manager.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerStateCache;
import io.daeploy.manager.runtime.RuntimeConnector;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.error.DaeployException;
import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Brings the store and the runtime back in step when the manager starts: containers of
 * this manager that the store does not know are adopted, and stored versions whose
 * container is gone are re-created from their stored deploy options. Every repair is
 * logged. While the runtime does not answer, it tries again every 30 seconds. Before it
 * compares, every {@link StartupRepair} runs, so what an interrupted job left behind is
 * removed rather than adopted.
 */
@Component
class ServiceReconciler {

	private static final Log logger = LogFactory.getLog(ServiceReconciler.class);

	private final ServiceStore store;

	private final RuntimeConnector runtime;

	private final ServiceManager services;

	private final ServiceContainers containers;

	private final List<StartupRepair> repairs;

	private volatile Disposable startup;

	ServiceReconciler(ServiceStore store, RuntimeConnector runtime, ServiceManager services,
			ServiceContainers containers, ObjectProvider<StartupRepair> repairs) {
		this.store = store;
		this.runtime = runtime;
		this.services = services;
		this.containers = containers;
		this.repairs = repairs.orderedStream().toList();
	}

	@EventListener(ApplicationReadyEvent.class)
	void onReady() {
		this.startup = this.runtime.status().flatMap((status) -> {
			if (status.available()) {
				logger.info("Docker engine " + status.version() + " answers");
				return Mono.just(status);
			}
			logger.warn("The Docker engine does not answer (" + status.message() + "). The manager runs, "
					+ "but deploys fail until it answers; retrying every 30 s.");
			return Mono.error(new IllegalStateException(status.message()));
		})
			.retryWhen(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofSeconds(30)))
			.thenMany(Flux.fromIterable(this.repairs)
				.concatMap((repair) -> repair.repair()
					.onErrorResume((ex) -> Mono.fromRunnable(() -> logger.error("A startup repair failed", ex)))))
			.then(reconcile())
			.subscribe((report) -> {
			}, (ex) -> logger.error("Reconciliation failed", ex));
	}

	@PreDestroy
	void stop() {
		if (this.startup != null) {
			this.startup.dispose();
		}
	}

	/**
	 * Compares the store with the runtime and repairs both ways.
	 * @return what was repaired
	 */
	Mono<Report> reconcile() {
		return Mono.zip(this.store.findAll().collectList(), this.runtime.list().collectList())
			.flatMap((both) -> repair(both.getT1(), both.getT2()))
			.doOnNext((report) -> {
				if (report.isEmpty()) {
					logger.info("Store and runtime agree");
				}
				else {
					logger.warn("Reconciled store and runtime: " + report);
				}
			});
	}

	private Mono<Report> repair(List<ServiceRecord> rows, List<ContainerInfo> containers) {
		Set<String> stored = new HashSet<>();
		rows.forEach((row) -> stored.add(ContainerStateCache.key(row.name(), row.version())));
		Set<String> running = new HashSet<>();
		containers.forEach((container) -> running.add(ContainerStateCache.key(container.name(), container.version())));
		Report report = new Report(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		Flux<String> adopt = Flux.fromIterable(containers)
			.filter((container) -> !stored.contains(ContainerStateCache.key(container.name(), container.version())))
			.concatMap((container) -> adopt(container).doOnNext(report.adopted()::add)
				.onErrorResume((ex) -> failed(report, container.name() + " " + container.version(), ex)));
		Flux<String> recreate = Flux.fromIterable(rows)
			.filter((row) -> !running.contains(ContainerStateCache.key(row.name(), row.version())))
			.concatMap((row) -> this.services.serviceToken(row)
				.flatMap((token) -> this.runtime.deploy(this.containers.spec(row, token)))
				.map((container) -> row.name() + " " + row.version())
				.doOnNext(report.recreated()::add)
				.onErrorResume((ex) -> failed(report, row.name() + " " + row.version(), ex)));
		return adopt.thenMany(recreate).then(Mono.just(report));
	}

	private Mono<String> adopt(ContainerInfo container) {
		ServiceNames.checkName("label daeploy.name", container.name());
		ServiceNames.checkVersion("label daeploy.version", container.version());
		return this.runtime.inspect(container.name(), container.version())
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("container vanished")))
			.flatMap((details) -> this.store.insert(new ServiceRecord(null, container.name(), container.version(),
					details.image(), (details.port() > 0) ? details.port() : 8000, false, spec(details),
					(container.createdAt() != null) ? container.createdAt() : Instant.now(), null)))
			.map((row) -> row.name() + " " + row.version());
	}

	/**
	 * Every option a re-create needs, read back from an adopted container: environment
	 * (but the manager's own), command, volumes, labels (but the manager's own), restart
	 * policy and limits.
	 */
	DeploySpec spec(ContainerDetails details) {
		return spec(details, this.runtime.reservedLabels());
	}

	static DeploySpec spec(ContainerDetails details, List<String> reservedLabels) {
		Set<String> reserved = new HashSet<>(reservedLabels);
		List<DeployRequest.EnvVar> env = details.env()
			.entrySet()
			.stream()
			.filter((variable) -> !ServiceContainers.MANAGER_ENV.contains(variable.getKey()))
			.map((variable) -> new DeployRequest.EnvVar(variable.getKey(), variable.getValue()))
			.toList();
		List<DeployRequest.Label> labels = details.labels()
			.entrySet()
			.stream()
			.filter((label) -> !reserved.contains(label.getKey()))
			.map((label) -> new DeployRequest.Label(label.getKey(), label.getValue()))
			.toList();
		List<DeployRequest.Volume> volumes = details.volumes()
			.stream()
			.map((mount) -> new DeployRequest.Volume(mount.source(), mount.target(), mount.readOnly()))
			.toList();
		return new DeploySpec(env, details.command().isEmpty() ? null : details.command(), volumes, labels,
				details.restartPolicy(), details.memoryBytes(), details.nanoCpus());
	}

	private static Mono<String> failed(Report report, String service, Throwable ex) {
		String reason = (ex instanceof DaeployException || ex instanceof RuntimeFailure) ? ex.getMessage()
				: ex.toString();
		logger.error("Could not reconcile " + service + ": " + reason);
		report.failed().add(service + ": " + reason);
		return Mono.empty();
	}

	/**
	 * What a reconciliation repaired.
	 *
	 * @param adopted containers taken into the store
	 * @param recreated stored versions whose container was re-created
	 * @param failed repairs that failed, with the reason
	 */
	record Report(List<String> adopted, List<String> recreated, List<String> failed) {

		boolean isEmpty() {
			return this.adopted.isEmpty() && this.recreated.isEmpty() && this.failed.isEmpty();
		}

		@Override
		public String toString() {
			return "adopted " + this.adopted + ", re-created " + this.recreated + ", failed " + this.failed;
		}

	}

}
