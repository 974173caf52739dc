package io.daeploy.manager.proxy;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy's timers: one per version and status class, tagged with the service and the
 * version split from the route key, gone with the version.
 */
class TrafficStatsMetersTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final TrafficStats stats = new TrafficStats(this.registry);

	@Test
	void timesRequestsPerVersionAndStatusClass() {
		this.stats.record("my_model_1.2.0-rc.1", false, 200, TimeUnit.MILLISECONDS.toNanos(3));
		this.stats.record("my_model_1.2.0-rc.1", true, 204, TimeUnit.MILLISECONDS.toNanos(7));
		this.stats.record("my_model_1.2.0-rc.1", false, 502, TimeUnit.MILLISECONDS.toNanos(1));
		this.stats.record("my_model_1.2.0-rc.1", false, 999, TimeUnit.MILLISECONDS.toNanos(1));

		Timer ok = timer("2xx");
		assertThat(ok.count()).isEqualTo(2);
		assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(10);
		assertThat(timer("5xx").count()).isEqualTo(1);
		assertThat(timer("other").count()).isEqualTo(1);
		assertThat(this.registry.find("daeploy.proxy.requests").tag("status", "4xx").timer()).isNull();
		// the figures the dashboard shows go on as before
		assertThat(this.stats.snapshot("my_model_1.2.0-rc.1").requests()).isEqualTo(4);
	}

	@Test
	void aForgottenVersionsSeriesAreRemoved() {
		this.stats.record("gone_1.0.0", false, 200, 1000);
		this.stats.record("kept_1.0.0", false, 200, 1000);
		this.stats.forget("gone_1.0.0");
		assertThat(this.registry.find("daeploy.proxy.requests").tag("service", "gone").timers()).isEmpty();
		assertThat(this.registry.find("daeploy.proxy.requests").tag("service", "kept").timers()).hasSize(1);
	}

	private Timer timer(String status) {
		return this.registry.get("daeploy.proxy.requests")
			.tag("service", "my_model")
			.tag("version", "1.2.0-rc.1")
			.tag("status", status)
			.timer();
	}

}
