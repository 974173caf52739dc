package io.daeploy.manager.runtime;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Whether the container runtime answers, for readiness and for metrics. Readiness reports
 * it as a detail and stays {@code UP} either way: a manager whose engine is away still
 * serves its API, its dashboard and the services' stored state, and says what is wrong;
 * taking it out of rotation would only hide that. The gauge
 * {@code daeploy.runtime.available} (1 or 0) follows a probe every 15 seconds, so a
 * scrape never waits for the engine.
 */
@Component("runtime")
class RuntimeHealth implements ReactiveHealthIndicator, SmartLifecycle {

	static final Duration PROBE_INTERVAL = Duration.ofSeconds(15);

	/** The longest a health request waits for the engine's answer. */
	static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(3);

	private final RuntimeConnector runtime;

	private final AtomicReference<RuntimeStatus> last = new AtomicReference<>();

	private volatile Disposable probing;

	RuntimeHealth(RuntimeConnector runtime, MeterRegistry registry) {
		this.runtime = runtime;
		Gauge.builder("daeploy.runtime.available", this, RuntimeHealth::available)
			.description("Whether the container runtime answered its last probe (1) or not (0)")
			.register(registry);
	}

	@Override
	public Mono<Health> health() {
		return probe().map((status) -> {
			Health.Builder health = Health.up()
				.withDetail("kind", status.kind())
				.withDetail("available", status.available());
			if (status.version() != null) {
				health.withDetail("version", status.version());
			}
			if (status.message() != null) {
				health.withDetail("message", status.message());
			}
			return health.build();
		});
	}

	private Mono<RuntimeStatus> probe() {
		return this.runtime.status()
			.timeout(ANSWER_TIMEOUT,
					Mono.fromSupplier(() -> new RuntimeStatus("docker", false, null,
							"The engine did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s")))
			.doOnNext(this.last::set);
	}

	private double available() {
		RuntimeStatus status = this.last.get();
		return (status != null && status.available()) ? 1 : 0;
	}

	@Override
	public void start() {
		this.probing = Flux.interval(Duration.ZERO, PROBE_INTERVAL)
			.onBackpressureDrop()
			.concatMap((tick) -> probe(), 1)
			.subscribe();
	}

	@Override
	@PreDestroy
	public void stop() {
		Disposable running = this.probing;
		if (running != null) {
			running.dispose();
		}
		this.probing = null;
	}

	@Override
	public boolean isRunning() {
		return this.probing != null;
	}

}
