package io.daeploy.manager.build;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Cooperative cancellation of a build or a start: whoever cancels sets the reason once;
 * steps under way register hooks that stop what they wait for (a build container is
 * removed, a clone's monitor says stop), and each step checks {@link #isCancelled()}
 * before it begins. So cleanup always runs after the step that was under way has ended,
 * never beside it.
 */
public final class Cancellation {

	private static final Log logger = LogFactory.getLog(Cancellation.class);

	private final List<Runnable> hooks = new ArrayList<>();

	private final Sinks.Empty<Void> cancelled = Sinks.empty();

	private String reason;

	private boolean timedOut;

	/**
	 * Cancels, once: later calls are ignored.
	 * @param why the reason, e.g. "cancelled by admin"
	 * @param timeout whether the cancel comes from a time limit
	 * @return whether this call cancelled
	 */
	public boolean cancel(String why, boolean timeout) {
		List<Runnable> run;
		synchronized (this) {
			if (this.reason != null) {
				return false;
			}
			this.reason = why;
			this.timedOut = timeout;
			run = new ArrayList<>(this.hooks);
			this.hooks.clear();
		}
		run.forEach(Cancellation::runQuietly);
		this.cancelled.tryEmitEmpty();
		return true;
	}

	/**
	 * Runs a hook when cancelled: at once when cancelled already.
	 * @param hook what stops the step under way
	 * @return a handle that removes the hook once the step is over
	 */
	public Runnable onCancel(Runnable hook) {
		boolean now;
		synchronized (this) {
			now = this.reason != null;
			if (!now) {
				this.hooks.add(hook);
			}
		}
		if (now) {
			runQuietly(hook);
		}
		return () -> {
			synchronized (this) {
				this.hooks.remove(hook);
			}
		};
	}

	/**
	 * Completes when cancelled, for waits that can simply be abandoned.
	 * @return the signal
	 */
	public Mono<Void> whenCancelled() {
		return this.cancelled.asMono();
	}

	public synchronized boolean isCancelled() {
		return this.reason != null;
	}

	public synchronized boolean isTimedOut() {
		return this.timedOut;
	}

	/**
	 * Why it was cancelled.
	 * @return the reason, or {@code null}
	 */
	public synchronized String reason() {
		return this.reason;
	}

	/**
	 * A step boundary: fails with {@link Cancelled} when cancelled.
	 * @return completion, or the failure
	 */
	public Mono<Void> checkpoint() {
		return Mono.defer(() -> isCancelled() ? Mono.error(new Cancelled(reason(), isTimedOut())) : Mono.empty());
	}

	/**
	 * The failure of a step that ended because it was cancelled.
	 */
	public static final class Cancelled extends RuntimeException {

		private final boolean timedOut;

		public Cancelled(String reason, boolean timedOut) {
			super(reason, null, false, false);
			this.timedOut = timedOut;
		}

		public boolean timedOut() {
			return this.timedOut;
		}

	}

	private static void runQuietly(Runnable hook) {
		try {
			hook.run();
		}
		catch (RuntimeException ex) {
			logger.warn("A cancel hook failed: " + ex.getMessage());
		}
	}

}
