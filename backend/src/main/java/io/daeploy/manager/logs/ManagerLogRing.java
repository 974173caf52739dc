package io.daeploy.manager.logs;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.daeploy.manager.runtime.LogLine;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * The manager's own recent log lines, Traefik's output included, in memory: a ring of the
 * last {@value #CAPACITY} lines for pages and the start of a stream, and a live feed for
 * followers. A Logback appender on the root logger, installed right after Spring Boot
 * configures logging so start-up lines are kept too. One per process.
 */
public final class ManagerLogRing extends AppenderBase<ILoggingEvent> {

	/** Events a subscriber's delivery holds beyond its buffer. */
	private static final int DELIVERY_PREFETCH = 32;

	static final int CAPACITY = 10_000;

	private static final String NAME = "daeploy-ring";

	private static final ManagerLogRing INSTANCE = new ManagerLogRing();

	private final ArrayDeque<LogLine> lines = new ArrayDeque<>(CAPACITY);

	private final Sinks.Many<LogLine> live = Sinks.many().multicast().directBestEffort();

	private ManagerLogRing() {
		setName(NAME);
	}

	/**
	 * The ring of this process.
	 * @return the ring
	 */
	public static ManagerLogRing get() {
		return INSTANCE;
	}

	/**
	 * Attaches the ring to Logback's root logger, once.
	 */
	static void install() {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			return;
		}
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		if (root.getAppender(NAME) != null) {
			return;
		}
		INSTANCE.setContext(context);
		INSTANCE.start();
		root.addAppender(INSTANCE);
	}

	@Override
	protected void append(ILoggingEvent event) {
		String text = event.getLoggerName() + " : " + event.getFormattedMessage();
		if (event.getThrowableProxy() != null) {
			text = text + System.lineSeparator() + ThrowableProxyUtil.asString(event.getThrowableProxy());
		}
		LogLine line = new LogLine(Instant.ofEpochMilli(event.getTimeStamp()),
				event.getLevel().isGreaterOrEqual(Level.WARN) ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT, text,
				event.getLevel().toString());
		synchronized (this.lines) {
			if (this.lines.size() == CAPACITY) {
				this.lines.pollFirst();
			}
			this.lines.addLast(line);
			// under the lock, so a follower that took the tail misses nothing and sees
			// nothing twice
			this.live.tryEmitNext(line);
		}
	}

	/**
	 * The last lines.
	 * @param count how many, at most
	 * @return the lines, oldest first
	 */
	public List<LogLine> tail(int count) {
		synchronized (this.lines) {
			List<LogLine> all = new ArrayList<>(this.lines);
			return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
		}
	}

	/**
	 * The last lines, then every new one.
	 * @param count how many of the last lines to start with
	 * @return the lines as they are written; a follower too slow for the log loses lines
	 * rather than holding the logging threads back
	 */
	public Flux<LogLine> follow(int count) {
		return Flux.<LogLine>create((sink) -> {
			Disposable following;
			synchronized (this.lines) {
				// the snapshot and the subscription to new lines under the lock lines are
				// added under: no line is missed between the two, none is seen twice
				tail(count).forEach(sink::next);
				following = this.live.asFlux().subscribe(sink::next);
			}
			sink.onDispose(following);
		}).onBackpressureBuffer(CAPACITY, (dropped) -> {
		}, BufferOverflowStrategy.DROP_OLDEST)
			// subscribers' GraphQL executions never run on the thread that logged
			.publishOn(Schedulers.parallel(), DELIVERY_PREFETCH);
	}

	/**
	 * Installs the ring right after Spring Boot has configured logging.
	 */
	public static final class Installer implements ApplicationListener<ApplicationEvent>, Ordered {

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			if (event instanceof ApplicationEnvironmentPreparedEvent) {
				install();
			}
		}

		@Override
		public int getOrder() {
			return LoggingApplicationListener.DEFAULT_ORDER + 1;
		}

	}

}
