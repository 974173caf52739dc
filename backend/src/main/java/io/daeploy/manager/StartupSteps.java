package io.daeploy.manager;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ApplicationListener;
import org.springframework.core.metrics.StartupStep;

/**
 * Where a start's time goes, on request: with {@code DAEPLOY_STARTUP_STEPS=true} the
 * manager records Spring's start-up steps (bean definitions, each bean's creation, the
 * context's refresh) and, once ready, logs the phases and the slowest beans. Off by
 * default: recording keeps an event per bean until the start is over.
 */
final class StartupSteps implements ApplicationListener<ApplicationReadyEvent> {

	/** The variable that turns recording on. */
	static final String VARIABLE = "DAEPLOY_STARTUP_STEPS";

	/** Steps kept at most; a start records about 1 500. */
	static final int CAPACITY = 20_000;

	/** Beans named in the log. */
	static final int SLOWEST = 15;

	private static final Log logger = LogFactory.getLog(StartupSteps.class);

	private final BufferingApplicationStartup startup;

	private StartupSteps(BufferingApplicationStartup startup) {
		this.startup = startup;
	}

	/**
	 * Sets the application up to record its start when the environment asks for it.
	 * @param application the application, before it runs
	 * @param environment the process environment
	 */
	static void apply(SpringApplication application, Map<String, String> environment) {
		if (!Boolean.parseBoolean(environment.get(VARIABLE))) {
			return;
		}
		BufferingApplicationStartup startup = new BufferingApplicationStartup(CAPACITY);
		application.setApplicationStartup(startup);
		application.addListeners(new StartupSteps(startup));
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		logger.info(summary(this.startup.drainBufferedTimeline().getEvents()));
	}

	/**
	 * The phases of a start and its slowest beans, one line each.
	 * @param events the recorded steps
	 * @return the text logged
	 */
	static String summary(List<StartupTimeline.TimelineEvent> events) {
		StringBuilder text = new StringBuilder("Start-up steps (").append(events.size()).append(" recorded):");
		events.stream()
			.filter((e) -> !e.getStartupStep().getName().equals("spring.beans.instantiate"))
			.filter((e) -> e.getDuration().toMillis() >= 20)
			.forEach((e) -> line(text, e.getStartupStep().getName(), tags(e.getStartupStep()), e.getDuration()));
		text.append("\n  slowest beans (their own time and that of beans they create):");
		events.stream()
			.filter((e) -> e.getStartupStep().getName().equals("spring.beans.instantiate"))
			.sorted(Comparator.comparing(StartupTimeline.TimelineEvent::getDuration).reversed())
			.limit(SLOWEST)
			.forEach((e) -> line(text, "bean", tags(e.getStartupStep()), e.getDuration()));
		return text.toString();
	}

	private static void line(StringBuilder text, String name, String tags, Duration duration) {
		text.append(String.format(Locale.ROOT, "%n  %6d ms  %s %s", duration.toMillis(), name, tags));
	}

	private static String tags(StartupStep step) {
		return StreamSupport.stream(step.getTags().spliterator(), false)
			.filter((tag) -> !tag.getKey().equals("beanType"))
			.map((tag) -> tag.getKey() + "=" + tag.getValue())
			.collect(Collectors.joining(" "));
	}

}
