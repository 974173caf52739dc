package io.daeploy.manager.logs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.ToLongFunction;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * Groups a stream's items into lists, each sent as soon as it is full (by count or by
 * weight) or its first item has waited {@code maxDelay}, whichever comes first; an item
 * that comes after a quiet spell of {@code maxDelay} goes at once, alone, so a slow
 * stream waits for nothing and only the items of a burst share batches.
 * <p>
 * Written here rather than with {@code bufferTimeout} because of how that operator fails
 * under back-pressure: without fair back-pressure a timeout that finds no demand errors
 * the stream ("Could not emit buffer due to lack of requests"), and with it a timeout and
 * a request that race can leave a partial buffer waiting for a later item or request that
 * never comes on a quiet log (reactor-core #3531, #4377). A log stream is exactly that: a
 * burst, then silence. Here the timer only marks the open batch as due; the batch is sent
 * by the next drain that has demand, whether the timer's own drain or the request's, so a
 * due batch can wait for demand but never for another item.
 * <p>
 * Order and exactly-once delivery are those of one single-producer queue drained by one
 * thread at a time. The queue is bounded ({@code prefetch} items): the upstream is asked
 * for more only as batches leave, so a reader that stops reading stops the source.
 */
final class Batches {

	private Batches() {
	}

	/**
	 * Batches a stream.
	 * @param <T> the item type
	 * @param source the items
	 * @param maxItems most items in a batch
	 * @param maxWeight most total weight in a batch (a batch always takes at least one
	 * item, whatever its weight)
	 * @param weigher the weight of an item
	 * @param maxDelay longest a batch waits for more items once it has one
	 * @param timer where the delay runs
	 * @return the batches, in order, each non-empty
	 */
	static <T> Flux<List<T>> of(Flux<T> source, int maxItems, long maxWeight, ToLongFunction<? super T> weigher,
			Duration maxDelay, Scheduler timer) {
		if (maxItems < 1 || maxWeight < 1 || maxDelay.isNegative()) {
			throw new IllegalArgumentException("maxItems, maxWeight and maxDelay must be positive");
		}
		return new BatchFlux<>(source, maxItems, maxWeight, weigher, maxDelay.toNanos(), timer);
	}

	private static final class BatchFlux<T> extends FluxOperator<T, List<T>> {

		private final int maxItems;

		private final long maxWeight;

		private final ToLongFunction<? super T> weigher;

		private final long delayNanos;

		private final Scheduler timer;

		BatchFlux(Flux<T> source, int maxItems, long maxWeight, ToLongFunction<? super T> weigher, long delayNanos,
				Scheduler timer) {
			super(source);
			this.maxItems = maxItems;
			this.maxWeight = maxWeight;
			this.weigher = weigher;
			this.delayNanos = delayNanos;
			this.timer = timer;
		}

		@Override
		public void subscribe(CoreSubscriber<? super List<T>> actual) {
			this.source.subscribe(new BatchSubscriber<>(actual, this));
		}

	}

	private static final class BatchSubscriber<T> implements CoreSubscriber<T>, Subscription {

		/**
		 * The timer's states: no timer, one set, one that went off and waits for a drain.
		 */
		private static final int IDLE = 0, SET = 1, FIRED = 2;

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<BatchSubscriber> WIP = AtomicIntegerFieldUpdater
			.newUpdater(BatchSubscriber.class, "wip");

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<BatchSubscriber> TIMER = AtomicIntegerFieldUpdater
			.newUpdater(BatchSubscriber.class, "timerState");

		@SuppressWarnings("rawtypes")
		private static final AtomicLongFieldUpdater<BatchSubscriber> REQUESTED = AtomicLongFieldUpdater
			.newUpdater(BatchSubscriber.class, "requested");

		@SuppressWarnings("rawtypes")
		private static final AtomicLongFieldUpdater<BatchSubscriber> QUEUED = AtomicLongFieldUpdater
			.newUpdater(BatchSubscriber.class, "queued");

		@SuppressWarnings("rawtypes")
		private static final AtomicLongFieldUpdater<BatchSubscriber> QUEUED_WEIGHT = AtomicLongFieldUpdater
			.newUpdater(BatchSubscriber.class, "queuedWeight");

		private final CoreSubscriber<? super List<T>> actual;

		private final BatchFlux<T> parent;

		private final int prefetch;

		private final int replenish;

		private final Queue<T> queue;

		private Subscription upstream;

		/** Items taken from the queue since the upstream was last asked for more. */
		private int consumed;

		/** An item taken from the queue that did not fit in the batch sent before it. */
		private T carry;

		private Disposable pendingTimer;

		/** When the drain last sent a batch, on the timer's clock. */
		private long lastSent = Long.MIN_VALUE / 2;

		private volatile int wip;

		private volatile int timerState;

		private volatile long requested;

		/**
		 * Items in the queue (and the carry), and their weight: written by both sides.
		 */
		private volatile long queued;

		private volatile long queuedWeight;

		private volatile boolean done;

		private Throwable error;

		private volatile boolean cancelled;

		BatchSubscriber(CoreSubscriber<? super List<T>> actual, BatchFlux<T> parent) {
			this.actual = actual;
			this.parent = parent;
			this.prefetch = Queues.ceilingNextPowerOfTwo(Math.max(4 * parent.maxItems, 16));
			this.replenish = this.prefetch - (this.prefetch >> 2);
			this.queue = Queues.<T>get(this.prefetch).get();
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.validate(this.upstream, s)) {
				this.upstream = s;
				this.actual.onSubscribe(this);
				s.request(this.prefetch);
			}
		}

		@Override
		public void onNext(T item) {
			if (this.done) {
				Operators.onNextDropped(item, currentContext());
				return;
			}
			if (!this.queue.offer(item)) {
				this.upstream.cancel();
				onError(Exceptions.failWithOverflow("more items than requested"));
				return;
			}
			QUEUED_WEIGHT.addAndGet(this, this.parent.weigher.applyAsLong(item));
			QUEUED.incrementAndGet(this);
			drain();
		}

		@Override
		public void onError(Throwable ex) {
			if (this.done) {
				Operators.onErrorDropped(ex, currentContext());
				return;
			}
			this.error = ex;
			this.done = true;
			drain();
		}

		@Override
		public void onComplete() {
			if (this.done) {
				return;
			}
			this.done = true;
			drain();
		}

		@Override
		public void request(long n) {
			if (Operators.validate(n)) {
				Operators.addCap(REQUESTED, this, n);
				drain();
			}
		}

		@Override
		public void cancel() {
			if (this.cancelled) {
				return;
			}
			this.cancelled = true;
			this.upstream.cancel();
			drain();
		}

		private long now() {
			return this.parent.timer.now(TimeUnit.NANOSECONDS);
		}

		private void timerFired() {
			if (TIMER.compareAndSet(this, SET, FIRED)) {
				drain();
			}
		}

		private void drain() {
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				long demand = this.requested;
				long sent = 0;
				while (sent != demand) {
					if (this.cancelled) {
						discard();
						return;
					}
					boolean terminated = this.done;
					long items = this.queued;
					if (items == 0) {
						if (terminated) {
							terminate();
							return;
						}
						break;
					}
					boolean full = items >= this.parent.maxItems || this.queuedWeight >= this.parent.maxWeight;
					boolean due = this.timerState == FIRED;
					// after a quiet spell the first item goes at once; only what
					// follows it closely waits to share a batch
					boolean quiet = !full && !due && now() - this.lastSent >= this.parent.delayNanos;
					if (!full && !due && !quiet && !terminated) {
						break;
					}
					this.actual.onNext(take(items));
					this.lastSent = now();
					sent++;
					if (due) {
						TIMER.set(this, IDLE);
					}
				}
				if (this.cancelled) {
					discard();
					return;
				}
				if (sent == demand && this.done && this.queued == 0) {
					terminate();
					return;
				}
				if (sent != 0 && demand != Long.MAX_VALUE) {
					REQUESTED.addAndGet(this, -sent);
				}
				if (this.queued != 0 && this.timerState == IDLE && !this.done) {
					TIMER.set(this, SET);
					this.pendingTimer = this.parent.timer.schedule(this::timerFired, this.parent.delayNanos,
							TimeUnit.NANOSECONDS);
				}
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		/**
		 * The next batch: at least one item, then as many as fit. Called only by the
		 * drain.
		 * @param counted the items counted in {@link #queued}: the producer offers an
		 * item before it counts it, so the queue may hold more, and those are left for a
		 * later drain (taking them would drive the count below zero, and then a drain
		 * takes from an empty queue)
		 */
		private List<T> take(long counted) {
			int most = (int) Math.min(counted, this.parent.maxItems);
			List<T> batch = new ArrayList<>(most);
			long weight = 0;
			while (batch.size() < most) {
				T item = this.carry;
				if (item != null) {
					this.carry = null;
				}
				else {
					item = this.queue.poll();
					if (item == null) {
						break;
					}
					this.consumed++;
				}
				long itemWeight = this.parent.weigher.applyAsLong(item);
				if (!batch.isEmpty() && weight + itemWeight > this.parent.maxWeight) {
					this.carry = item;
					break;
				}
				batch.add(item);
				weight += itemWeight;
			}
			QUEUED.addAndGet(this, -batch.size());
			QUEUED_WEIGHT.addAndGet(this, -weight);
			if (this.consumed >= this.replenish) {
				int more = this.consumed;
				this.consumed = 0;
				this.upstream.request(more);
			}
			return batch;
		}

		private void terminate() {
			cancelTimer();
			Throwable ex = this.error;
			if (ex != null) {
				this.actual.onError(ex);
			}
			else {
				this.actual.onComplete();
			}
		}

		private void discard() {
			cancelTimer();
			this.carry = null;
			this.queue.clear();
		}

		private void cancelTimer() {
			Disposable timer = this.pendingTimer;
			if (timer != null) {
				timer.dispose();
			}
		}

	}

}
