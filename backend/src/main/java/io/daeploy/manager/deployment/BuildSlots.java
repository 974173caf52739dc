package io.daeploy.manager.deployment;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

import io.daeploy.manager.build.Cancellation;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * At most {@code DAEPLOY_MAX_CONCURRENT_BUILDS} builds at once; the rest wait in the
 * order they asked. A cancelled waiter leaves the queue without taking a slot; a slot is
 * given back once, however often its holder lets go of it.
 */
final class BuildSlots {

	private final int max;

	private final Deque<Waiter> waiting = new ArrayDeque<>();

	private int held;

	BuildSlots(int max) {
		this.max = Math.max(1, max);
	}

	/**
	 * Waits for a slot.
	 * @param cancel the waiter's cancellation: cancelled, it stops waiting with
	 * {@link Cancellation.Cancelled}
	 * @return the slot once it is the caller's; give it back with {@link Slot#release}
	 */
	Mono<Slot> acquire(Cancellation cancel) {
		return Mono.create((sink) -> {
			Waiter waiter = new Waiter(sink);
			boolean now;
			synchronized (this) {
				now = this.held < this.max;
				if (now) {
					this.held++;
				}
				else {
					this.waiting.addLast(waiter);
				}
			}
			if (now) {
				sink.success(new Slot());
				return;
			}
			Runnable unhook = cancel.onCancel(() -> {
				boolean removed;
				synchronized (this) {
					removed = this.waiting.remove(waiter);
				}
				if (removed) {
					sink.error(new Cancellation.Cancelled(cancel.reason(), cancel.isTimedOut()));
				}
			});
			waiter.unhook = unhook;
		});
	}

	private void release() {
		Waiter next;
		synchronized (this) {
			next = this.waiting.pollFirst();
			if (next == null) {
				this.held--;
			}
		}
		if (next != null) {
			if (next.unhook != null) {
				next.unhook.run();
			}
			next.sink.success(new Slot());
		}
	}

	synchronized int held() {
		return this.held;
	}

	/**
	 * One build's place among the builds at once.
	 */
	final class Slot {

		private final AtomicBoolean released = new AtomicBoolean();

		/**
		 * Gives the slot back, to the longest waiter if there is one; later calls do
		 * nothing.
		 */
		void release() {
			if (this.released.compareAndSet(false, true)) {
				BuildSlots.this.release();
			}
		}

	}

	private static final class Waiter {

		private final MonoSink<Slot> sink;

		private volatile Runnable unhook;

		Waiter(MonoSink<Slot> sink) {
			this.sink = sink;
		}

	}

}
