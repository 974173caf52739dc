package io.daeploy.manager.logs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeConnector;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.service.ServiceManager;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Service logs from the runtime and the manager's own log, as pages and as streams.
 */
@Service
public class LogService {

	/** The most lines a page or the start of a stream may ask for. */
	static final int MAX_TAIL = 10_000;

	private final ServiceManager services;

	private final RuntimeConnector runtime;

	LogService(ServiceManager services, RuntimeConnector runtime) {
		this.services = services;
		this.runtime = runtime;
	}

	/**
	 * A service version's log.
	 * @param name service name
	 * @param version service version
	 * @param tail how many of the last lines to start with (0 to {@value #MAX_TAIL})
	 * @param since only lines written at or after this time, or {@code null}
	 * @param follow whether to go on with new lines until the container stops, across
	 * restarts of the engine
	 * @return the lines; {@code SERVICE_NOT_FOUND} or {@code CONTAINER_NOT_FOUND} before
	 * any line when there is nothing to read
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Flux<LogLine> serviceLogs(String name, String version, int tail, Instant since, boolean follow) {
		return Mono.fromRunnable(() -> checkTail(tail, 0))
			.then(this.services.get(name, version))
			.switchIfEmpty(Mono.error(() -> new DaeployException(ErrorCode.SERVICE_NOT_FOUND,
					"No service " + name + " with version " + version + " is deployed")))
			.flatMap((service) -> this.runtime.inspect(name, version))
			.onErrorMap(RuntimeFailure.class,
					(ex) -> new DaeployException(ErrorCode.RUNTIME_UNAVAILABLE, ex.getMessage(), null, ex))
			.switchIfEmpty(Mono.error(() -> new DaeployException(ErrorCode.CONTAINER_NOT_FOUND,
					"Service " + name + " " + version + " has no container to read logs from")))
			.flatMapMany((container) -> follow ? ResumingLogStream.follow(this.runtime, name, version, tail, since)
					: this.runtime.logs(name, version, tail, since, false))
			.onErrorMap(RuntimeFailure.class,
					(ex) -> new DaeployException(ErrorCode.RUNTIME_ERROR, ex.getMessage(), null, ex));
	}

	/**
	 * The manager's own log.
	 * @param tail how many of the last lines to start with (0 to {@value #MAX_TAIL})
	 * @param follow whether to go on with new lines
	 * @return the lines
	 */
	@PreAuthorize("hasRole('ADMIN')")
	public Flux<LogLine> managerLogs(int tail, boolean follow) {
		return Flux.defer(() -> {
			checkTail(tail, 0);
			return follow ? ManagerLogRing.get().follow(tail) : Flux.fromIterable(ManagerLogRing.get().tail(tail));
		});
	}

	/** The most lines in one message of a batched stream. */
	static final int BATCH_LINES = 256;

	/**
	 * About the most text in one message of a batched stream (one longer line goes
	 * alone).
	 */
	static final long BATCH_BYTES = 256 * 1024;

	/** The longest a line waits for others to share its message. */
	static final Duration BATCH_DELAY = Duration.ofMillis(5);

	/**
	 * A log stream as messages of several lines: a burst is sent as few messages, each
	 * executed and encoded once, and a lone line waits at most {@link #BATCH_DELAY}.
	 * @param lines the lines, in order
	 * @return the same lines, in order, in batches
	 */
	static Flux<List<LogLine>> batched(Flux<LogLine> lines) {
		return Batches.of(lines, BATCH_LINES, BATCH_BYTES, LogService::size, BATCH_DELAY, Schedulers.parallel());
	}

	/** The most text a page of log lines holds; older lines beyond it are left out. */
	static final int MAX_PAGE_BYTES = 4 * 1024 * 1024;

	/**
	 * The newest lines of a finite stream that fit in a byte budget, oldest first: memory
	 * holds at most the budget whatever the lines.
	 * @param lines the lines, oldest first
	 * @param maxBytes the budget
	 * @return the newest lines within it
	 */
	static Mono<List<LogLine>> newest(Flux<LogLine> lines, int maxBytes) {
		return Mono.defer(() -> {
			ArrayDeque<LogLine> kept = new ArrayDeque<>();
			long[] bytes = { 0 };
			return lines.doOnNext((line) -> {
				kept.addLast(line);
				bytes[0] += size(line);
				while (bytes[0] > maxBytes && !kept.isEmpty()) {
					bytes[0] -= size(kept.removeFirst());
				}
			}).then(Mono.fromSupplier(() -> List.copyOf(kept)));
		});
	}

	private static long size(LogLine line) {
		// the text as UTF-16 chars, plus the timestamp and field names a page carries
		return 2L * line.line().length() + 64;
	}

	static void checkTail(int tail, int min) {
		if (tail < min || tail > MAX_TAIL) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "tail",
					"tail must be between " + min + " and " + MAX_TAIL);
		}
	}

}
