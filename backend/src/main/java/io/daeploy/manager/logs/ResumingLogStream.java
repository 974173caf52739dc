package io.daeploy.manager.logs;

import java.time.Duration;
import java.time.Instant;

import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.LogResume;
import io.daeploy.manager.runtime.RuntimeConnector;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.runtime.RuntimeStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A followed service log that outlives an engine restart: when the runtime's stream
 * breaks because the engine went away (or ends while the engine does not answer), it
 * waits for the engine and goes on from the last line it handed on, skipping what was
 * already sent, so the subscriber sees every line once. It completes only when the
 * container really stopped, and fails when the engine stays away longer than
 * {@link #PATIENCE}.
 */
final class ResumingLogStream {

	/** How long it waits for an engine that went away. */
	static final Duration PATIENCE = Duration.ofMinutes(10);

	private static final Duration POLL = Duration.ofMillis(500);

	private final RuntimeConnector runtime;

	private final String name;

	private final String version;

	private final LogResume resume = new LogResume();

	private ResumingLogStream(RuntimeConnector runtime, String name, String version) {
		this.runtime = runtime;
		this.name = name;
		this.version = version;
	}

	/**
	 * Follows a service version's log.
	 * @param runtime the runtime
	 * @param name service name
	 * @param version service version
	 * @param tail how many of the last lines to start with
	 * @param since only lines written at or after this time, or {@code null}
	 * @return the lines
	 */
	static Flux<LogLine> follow(RuntimeConnector runtime, String name, String version, int tail, Instant since) {
		ResumingLogStream stream = new ResumingLogStream(runtime, name, version);
		return Flux.defer(() -> stream.next(tail, since))
			.retryWhen(Retry.from((failures) -> failures.concatMap(
					(signal) -> isUnavailable(signal.failure()) ? stream.engineBack() : Mono.error(signal.failure()))))
			.repeatWhen((ends) -> ends.concatMap((end) -> runtime.status())
				.takeWhile((status) -> !status.available())
				.concatMap((status) -> stream.engineBack()));
	}

	private Flux<LogLine> next(int tail, Instant since) {
		return this.resume.open((from) -> (from == null) ? this.runtime.logs(this.name, this.version, tail, since, true)
				: this.runtime.logs(this.name, this.version, -1, from, true));
	}

	/**
	 * Completes once the engine answers again; fails after {@link #PATIENCE}.
	 */
	private Mono<RuntimeStatus> engineBack() {
		return Mono.defer(this.runtime::status)
			.filter(RuntimeStatus::available)
			.repeatWhenEmpty(Integer.MAX_VALUE, (polls) -> polls.delayElements(POLL))
			.timeout(PATIENCE, Mono.error(() -> new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE,
					"The Docker engine did not come back within " + PATIENCE.toMinutes() + " minutes", null)));
	}

	private static boolean isUnavailable(Throwable ex) {
		return ex instanceof RuntimeFailure failure && failure.kind() == RuntimeFailure.Kind.UNAVAILABLE;
	}

}
