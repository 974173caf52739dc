package io.daeploy.r2dbc.sqlite;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The one daemon thread a connection makes its JDBC calls on.
 * <p>
 * sqlite-jdbc blocks, so no call may run on the caller's thread (an event loop, say).
 * Each connection owns a single-thread executor: its calls run one at a time in the order
 * they were subscribed, which JDBC needs, and one connection waiting on SQLite's busy
 * timeout never holds up another's calls, which a shared pool smaller than the number of
 * connections could. The thread count is bounded by the number of open connections (the
 * connection pool's maximum size); the thread ends when its connection closes.
 */
final class JdbcThread {

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private final ExecutorService executor;

	private final Scheduler scheduler;

	JdbcThread() {
		this.executor = Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "r2dbc-sqlite-" + COUNTER.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		// fromExecutor, not fromExecutorService: a cancelled subscription must not
		// interrupt the thread in the middle of a JDBC call
		this.scheduler = Schedulers.fromExecutor(this.executor);
	}

	/**
	 * Runs a call on this thread when the returned {@link Mono} is subscribed; its
	 * signals are delivered on this thread too.
	 * @param <T> the call's result type
	 * @param call the blocking call; may return {@code null} for an empty {@link Mono}
	 * @return the call's result
	 */
	<T> Mono<T> call(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(this.scheduler);
	}

	/**
	 * Lets queued calls finish and then ends the thread.
	 */
	void shutdown() {
		this.executor.shutdown();
	}

}
