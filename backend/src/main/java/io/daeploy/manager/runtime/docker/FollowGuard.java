package io.daeploy.manager.runtime.docker;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.LogResume;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Follows a container's log past two faults of the engine's followed json-file logs (seen
 * on Docker 20.10, Debian bookworm's {@code docker.io}), so each line arrives once and in
 * order.
 * <p>
 * <b>A start that is left out.</b> A follow opened while the container writes a burst can
 * send none of the lines it should start with and go on from a later one (tens of
 * thousands left out; they are in the log, and an unfollowed read has them). So the
 * engine's time is read before each stream opens, and when the first line written after
 * it comes, the log is asked once for the lines from that time (or from the last line
 * handed on, when later) up to it; those the stream left out are handed on first. Lines
 * older than that time which a tail asked for are not recovered.
 * <p>
 * <b>A stream that stops.</b> Its follower can read a half-written entry ("got error
 * while decoding json: unexpected EOF" in the engine's log) and then send nothing until
 * the container writes again. So while the read of a followed stream has waited
 * {@code quiet} for the engine's next bytes (a read waits only when its subscriber asked
 * for more, so a slow reader never counts), this asks once for the log's newest line;
 * when that line is newer than the last one handed on, the stream is closed and followed
 * again from the last line handed on, skipping the lines of that instant already sent. A
 * healthy quiet log costs one such question per quiet spell. A stream that stops before
 * its first line is caught when it was asked for the log's history (a tail other than 0):
 * the newest line is then one it should have sent.
 */
final class FollowGuard {

	private static final Log logger = LogFactory.getLog(FollowGuard.class);

	private static final long NOT_WAITING = Long.MIN_VALUE;

	private final Engine engine;

	private final Instant since;

	private final boolean history;

	private final long quietNanos;

	private final Scheduler readScheduler;

	private final Scheduler timer;

	private final LogResume resume = new LogResume();

	private boolean stalled;

	private FollowGuard(Engine engine, Instant since, boolean history, Duration quiet, Scheduler readScheduler,
			Scheduler timer) {
		this.engine = engine;
		this.since = since;
		this.history = history;
		this.quietNanos = quiet.toNanos();
		this.readScheduler = readScheduler;
		this.timer = timer;
	}

	/**
	 * The engine's side of one container's log.
	 */
	interface Engine {

		/**
		 * Opens the followed log.
		 * @param from {@code null} for the first request (with the caller's tail and
		 * since), else the time to go on from: every line at or after it
		 * @return the open stream
		 */
		DockerLogStream.Body open(Instant from);

		/**
		 * The engine's clock.
		 * @return the time now, on the clock that stamps the lines
		 */
		Mono<Instant> now();

		/**
		 * The time of the log's newest line.
		 * @return the time, empty when the log has no line
		 */
		Mono<Instant> newest();

		/**
		 * The lines already written from a time on, without following.
		 * @param from every line at or after this time
		 * @param until and up to this time
		 * @return the lines, oldest first
		 */
		Flux<LogLine> written(Instant from, Instant until);

	}

	/**
	 * Follows a log.
	 * @param engine the container's log on the engine
	 * @param since the caller's since, or {@code null}
	 * @param history whether the first request asks for lines already written (a tail
	 * other than 0)
	 * @param quiet how long a read waits for the engine before the log is checked
	 * @param readScheduler where the blocking reads run
	 * @param timer where the checks are timed
	 * @return the lines, each once, in order
	 */
	static Flux<LogLine> follow(Engine engine, Instant since, boolean history, Duration quiet, Scheduler readScheduler,
			Scheduler timer) {
		FollowGuard guard = new FollowGuard(engine, since, history, quiet, readScheduler, timer);
		return Flux.defer(guard::attempt).repeat(guard::takeStalled);
	}

	private Flux<LogLine> attempt() {
		return this.engine.now().map(Optional::of).onErrorResume((ex) -> {
			logger.debug("Could not read the engine's clock; a skipped start will not be caught", ex);
			return Mono.just(Optional.empty());
		}).flatMapMany((openedAt) -> follow(openedAt.orElse(null)));
	}

	private Flux<LogLine> follow(Instant openedAt) {
		AtomicReference<WatchedBody> body = new AtomicReference<>();
		boolean[] startChecked = { openedAt == null };
		Flux<LogLine> lines = this.resume.open((from) -> DockerLogStream.lines(() -> {
			WatchedBody opened = new WatchedBody(this.engine.open(from));
			body.set(opened);
			return opened;
		}, (from != null) ? from : this.since, this.readScheduler).concatMap((line) -> {
			if (startChecked[0] || line.timestamp().isBefore(openedAt)) {
				return Mono.just(line);
			}
			startChecked[0] = true;
			return leftOut(openedAt, line).concatWith(Mono.just(line));
		}));
		Disposable.Swap watch = Disposables.swap();
		return lines
			.doOnSubscribe((subscription) -> watch.update(Flux.interval(Duration.ofNanos(this.quietNanos), this.timer)
				.concatMap((tick) -> check(body.get()))
				.subscribe()))
			.doFinally((signal) -> watch.dispose());
	}

	/**
	 * The lines the stream left out before the first line written after it opened.
	 */
	private Flux<LogLine> leftOut(Instant openedAt, LogLine first) {
		Instant last = this.resume.last();
		Instant after = (last != null && last.isAfter(openedAt)) ? last : openedAt;
		Instant from = (this.since != null && this.since.isAfter(after)) ? this.since : after;
		long[] count = { 0 };
		return this.engine.written(from, first.timestamp())
			.filter((line) -> (last == null || line.timestamp().isAfter(last)) && !line.timestamp().isBefore(from)
					&& line.timestamp().isBefore(first.timestamp()))
			.doOnNext((line) -> count[0]++)
			.doOnComplete(() -> {
				if (count[0] > 0) {
					logger.info("The engine's log stream left out the " + count[0]
							+ " lines before its first new one: they are handed on first");
				}
			})
			.onErrorResume((ex) -> {
				logger.debug("Could not check the start of a followed log", ex);
				return Flux.empty();
			});
	}

	private Mono<Void> check(WatchedBody body) {
		if (body == null || body.isClosed()) {
			return Mono.empty();
		}
		WatchedStream watched = body.watched;
		long waiting = watched.waitingSince;
		Instant handedOn = this.resume.last();
		if (waiting == NOT_WAITING || waiting == watched.checkedWait || (handedOn == null && !this.history)
				|| System.nanoTime() - waiting < this.quietNanos) {
			return Mono.empty();
		}
		watched.checkedWait = waiting;
		return this.engine.newest()
			.filter((newest) -> missed(newest, handedOn) && watched.waitingSince == waiting)
			.doOnNext((newest) -> {
				logger.info("The engine's log stream stopped "
						+ ((handedOn != null) ? "after the line of " + handedOn : "before its first line")
						+ " while the log goes on to " + newest + ": following it again from there");
				synchronized (this) {
					this.stalled = true;
				}
				body.close();
			})
			.onErrorResume((ex) -> {
				logger.debug("Could not check a quiet log stream", ex);
				return Mono.empty();
			})
			.then();
	}

	/**
	 * Whether the log's newest line is one the stream should have handed on by now.
	 */
	private boolean missed(Instant newest, Instant handedOn) {
		if (handedOn != null) {
			return newest.isAfter(handedOn);
		}
		return this.since == null || !newest.isBefore(this.since);
	}

	private synchronized boolean takeStalled() {
		boolean was = this.stalled;
		this.stalled = false;
		return was;
	}

	/**
	 * A stream that tells since when a read has waited for the engine's next bytes.
	 */
	private static final class WatchedBody extends DockerLogStream.FilteredBody {

		private final WatchedStream watched;

		WatchedBody(DockerLogStream.Body body) {
			this(body, new WatchedStream(body.stream()));
		}

		private WatchedBody(DockerLogStream.Body body, WatchedStream watched) {
			super(body, watched);
			this.watched = watched;
		}

	}

	private static final class WatchedStream extends FilterInputStream {

		/** {@link System#nanoTime()} when the read now waiting began. */
		private volatile long waitingSince = NOT_WAITING;

		/** The wait the log was last checked for, so each wait is checked once. */
		private volatile long checkedWait = NOT_WAITING;

		WatchedStream(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			this.waitingSince = System.nanoTime();
			try {
				return super.read();
			}
			finally {
				this.waitingSince = NOT_WAITING;
			}
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			this.waitingSince = System.nanoTime();
			try {
				return super.read(bytes, offset, length);
			}
			finally {
				this.waitingSince = NOT_WAITING;
			}
		}

	}

}
