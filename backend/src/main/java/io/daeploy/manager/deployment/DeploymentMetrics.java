package io.daeploy.manager.deployment;

import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * Deployment jobs and builds as meters: {@code daeploy.deployments} (tags {@code kind},
 * {@code outcome}: the state a job ended in) from submission to its end, queueing
 * included, and {@code daeploy.builds} (tag {@code outcome}: {@code succeeded},
 * {@code failed}, {@code cancelled}) from taking a build slot to the built image.
 */
@Component
class DeploymentMetrics {

	private static final Duration[] BUCKETS = { Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10),
			Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
			Duration.ofMinutes(10), Duration.ofMinutes(30) };

	private final MeterRegistry registry;

	DeploymentMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Records a job that ended.
	 * @param ended the deployment in its final state
	 */
	void ended(Deployment ended) {
		if (!ended.state().isFinal() || ended.finishedAt() == null) {
			return;
		}
		Timer.builder("daeploy.deployments")
			.description("Deployment jobs, from submission to their end")
			.tag("kind", ended.kind().name().toLowerCase(Locale.ROOT))
			.tag("outcome", ended.state().name().toLowerCase(Locale.ROOT))
			.serviceLevelObjectives(BUCKETS)
			.register(this.registry)
			.record(Duration.between(ended.createdAt(), ended.finishedAt()));
	}

	/**
	 * Records a build (or the load of an uploaded image) that ended.
	 * @param outcome {@code succeeded}, {@code failed} or {@code cancelled}
	 * @param nanos how long it took
	 */
	void built(String outcome, long nanos) {
		Timer.builder("daeploy.builds")
			.description("Builds from source and loads of uploaded images, from taking a build slot to the image")
			.tag("outcome", outcome)
			.serviceLevelObjectives(BUCKETS)
			.register(this.registry)
			.record(Duration.ofNanos(nanos));
	}

}
