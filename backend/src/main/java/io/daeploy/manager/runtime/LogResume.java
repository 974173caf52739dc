package io.daeploy.manager.runtime;

import java.time.Instant;
import java.util.function.Function;

import reactor.core.publisher.Flux;

/**
 * Where a followed log goes on from when its stream is opened again: the time of the last
 * line handed on, and how many lines of that time were. A stream opened again at that
 * time (the engine sends every line at or after it) skips those, so each line is handed
 * on once and in order however often the stream is opened.
 */
public final class LogResume {

	private Instant last;

	private int atLast;

	/**
	 * The time of the last line handed on.
	 * @return the time, or {@code null} before the first line
	 */
	public synchronized Instant last() {
		return this.last;
	}

	/**
	 * Opens the stream, the first time or again, and notes each line it hands on.
	 * @param open opens the log: with {@code null} the first time (nothing handed on
	 * yet), else with the time to go on from, for every line at or after it
	 * @return the lines not handed on before
	 */
	public Flux<LogLine> open(Function<Instant, Flux<LogLine>> open) {
		Instant from;
		int skip;
		synchronized (this) {
			from = this.last;
			skip = this.atLast;
		}
		Flux<LogLine> lines = open.apply(from);
		if (from != null) {
			int[] seen = { 0 };
			lines = lines.filter((line) -> {
				if (line.timestamp().equals(from) && seen[0] < skip) {
					seen[0]++;
					return false;
				}
				return true;
			});
		}
		return lines.doOnNext(this::handedOn);
	}

	private synchronized void handedOn(LogLine line) {
		if (line.timestamp().equals(this.last)) {
			this.atLast++;
		}
		else {
			this.last = line.timestamp();
			this.atLast = 1;
		}
	}

}
