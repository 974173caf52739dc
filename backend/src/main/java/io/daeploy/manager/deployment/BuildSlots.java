package io.daeploy.manager.deployment;

import java.util.ArrayDeque;
import java.util.Deque;

import io.daeploy.manager.build.Cancellation;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * At most {@code DAEPLOY_MAX_CONCURRENT_BUILDS} builds at once; the rest wait in the
 * order they asked. A cancelled waiter leaves the queue without taking a slot.
 */
final class BuildSlots {

	private final int max;

	private final Deque<MonoSink<Void>> waiting = new ArrayDeque<>();

	private int running;

	BuildSlots(int max) {
		this.max = Math.max(1, max);
	}

	/**
	 * Waits for a slot.
	 * @param cancel the waiter's cancellation: cancelled, it stops waiting with
	 * {@link Cancellation.Cancelled}
	 * @return completion once the slot is the caller's; release it with {@link #release}
	 */
	Mono<Void> acquire(Cancellation cancel) {
		return Mono.create((sink) -> {
			synchronized (this) {
				if (this.running < this.max) {
					this.running++;
					sink.success();
					return;
				}
				this.waiting.addLast(sink);
			}
			cancel.onCancel(() -> {
				boolean removed;
				synchronized (this) {
					removed = this.waiting.remove(sink);
				}
				if (removed) {
					sink.error(new Cancellation.Cancelled(cancel.reason(), cancel.isTimedOut()));
				}
			});
		});
	}

	/**
	 * Gives a slot back, to the longest waiter if there is one.
	 */
	void release() {
		MonoSink<Void> next;
		synchronized (this) {
			next = this.waiting.pollFirst();
			if (next == null) {
				this.running--;
			}
		}
		if (next != null) {
			next.success();
		}
	}

	synchronized int waiting() {
		return this.waiting.size();
	}

}
