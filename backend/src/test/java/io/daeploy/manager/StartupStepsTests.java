package io.daeploy.manager;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DAEPLOY_STARTUP_STEPS} records a start's steps and names its slowest beans.
 */
class StartupStepsTests {

	@Test
	void recordsOnlyWhenAsked() {
		SpringApplication quiet = new SpringApplication(Object.class);
		StartupSteps.apply(quiet, Map.of());
		assertThat(quiet.getApplicationStartup()).isSameAs(ApplicationStartup.DEFAULT);
		SpringApplication off = new SpringApplication(Object.class);
		StartupSteps.apply(off, Map.of(StartupSteps.VARIABLE, "false"));
		assertThat(off.getApplicationStartup()).isSameAs(ApplicationStartup.DEFAULT);

		SpringApplication recorded = new SpringApplication(Object.class);
		StartupSteps.apply(recorded, Map.of(StartupSteps.VARIABLE, "true"));
		assertThat(recorded.getApplicationStartup()).isInstanceOf(BufferingApplicationStartup.class);
		assertThat(recorded.getListeners()).hasAtLeastOneElementOfType(StartupSteps.class);
	}

	@Test
	void theSummaryPutsTheSlowestBeanFirst() throws InterruptedException {
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100);
		StartupStep refresh = startup.start("spring.context.refresh");
		StartupStep quick = startup.start("spring.beans.instantiate").tag("beanName", "quickBean");
		quick.end();
		StartupStep slow = startup.start("spring.beans.instantiate").tag("beanName", "slowBean");
		Thread.sleep(30);
		slow.end();
		refresh.end();

		String summary = StartupSteps.summary(startup.getBufferedTimeline().getEvents());
		assertThat(summary).startsWith("Start-up steps (3 recorded):").contains("spring.context.refresh");
		assertThat(summary.indexOf("beanName=slowBean")).isPositive().isLessThan(summary.indexOf("beanName=quickBean"));
	}

}
