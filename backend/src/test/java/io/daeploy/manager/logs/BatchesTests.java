package io.daeploy.manager.logs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batching of log streams: every item once and in order, batches bounded by count and
 * weight, a lone item sent after the delay, and a batch that falls due while the reader
 * has no demand sent when it asks, without waiting for another item (the stall
 * {@code bufferTimeout} showed).
 */
class BatchesTests {

	private static final Duration DELAY = Duration.ofMillis(5);

	/**
	 * For the tests of the count and weight rules: a timer that never goes off in them.
	 */
	private static final Duration NEVER = Duration.ofMinutes(10);

	@Test
	void aBurstComesInFullBatchesWithEveryItemInOrder() {
		List<List<Integer>> batches = Batches
			.of(Flux.range(0, 10_000), 256, Long.MAX_VALUE, (i) -> 1, NEVER, Schedulers.parallel())
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(batches).allSatisfy((batch) -> assertThat(batch).isNotEmpty().hasSizeLessThanOrEqualTo(256));
		assertThat(batches.stream().flatMap(List::stream).toList())
			.containsExactlyElementsOf(Flux.range(0, 10_000).collectList().block());
		// the first item, after quiet, goes alone; the rest of a synchronous burst fills
		// every batch but the last
		assertThat(batches.get(0)).containsExactly(0);
		assertThat(batches.subList(1, batches.size() - 1)).allSatisfy((batch) -> assertThat(batch).hasSize(256));
		assertThat(batches).hasSize(41);
	}

	@Test
	void anItemAfterQuietGoesAtOnceAndOneRightBehindItWaitsTheDelayAndNoLonger() {
		Sinks.Many<Integer> items = Sinks.many().unicast().onBackpressureBuffer();
		StepVerifier
			.withVirtualTime(
					() -> Batches.of(items.asFlux(), 256, Long.MAX_VALUE, (i) -> 1, DELAY, VirtualTimeScheduler.get()))
			.expectSubscription()
			.then(() -> items.tryEmitNext(7))
			.assertNext((batch) -> assertThat(batch).containsExactly(7))
			.then(() -> items.tryEmitNext(8))
			.expectNoEvent(Duration.ofMillis(4))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((batch) -> assertThat(batch).containsExactly(8))
			// quiet again: the next goes at once
			.thenAwait(Duration.ofMillis(50))
			.then(() -> items.tryEmitNext(9))
			.assertNext((batch) -> assertThat(batch).containsExactly(9))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aBatchThatFallsDueWithoutDemandIsSentOnTheNextRequestWithoutAnotherItem() {
		Sinks.Many<Integer> items = Sinks.many().unicast().onBackpressureBuffer();
		StepVerifier
			.withVirtualTime(
					() -> Batches.of(items.asFlux(), 256, Long.MAX_VALUE, (i) -> 1, DELAY, VirtualTimeScheduler.get()),
					0)
			.expectSubscription()
			.then(() -> {
				items.tryEmitNext(1);
				items.tryEmitNext(2);
			})
			// the timer goes off while nobody asks: nothing is sent, nothing is lost
			.thenAwait(Duration.ofSeconds(1))
			.expectNoEvent(Duration.ofSeconds(1))
			// the request alone sends it, though no further item came
			.thenRequest(1)
			.assertNext((batch) -> assertThat(batch).containsExactly(1, 2))
			.then(() -> items.tryEmitNext(3))
			.thenRequest(1)
			.thenAwait(DELAY)
			.assertNext((batch) -> assertThat(batch).containsExactly(3))
			.then(items::tryEmitComplete)
			.verifyComplete();
	}

	@Test
	void aBatchHoldsAtMostItsWeightAndAnItemHeavierThanThatGoesAlone() {
		List<List<Integer>> batches = Batches
			.of(Flux.just(100, 100, 100, 1000, 100, 1), 256, 250, Integer::longValue, NEVER, Schedulers.parallel())
			.collectList()
			.block(Duration.ofSeconds(10));
		// the first alone (it came after quiet), then by weight
		assertThat(batches).containsExactly(List.of(100), List.of(100, 100), List.of(1000), List.of(100, 1));
	}

	@Test
	void aReaderThatStopsReadingStopsTheSource() {
		AtomicLong asked = new AtomicLong();
		AtomicBoolean cancelled = new AtomicBoolean();
		Flux<Integer> endless = Flux.range(0, Integer.MAX_VALUE)
			.doOnRequest(asked::addAndGet)
			.doOnCancel(() -> cancelled.set(true));
		StepVerifier.create(Batches.of(endless, 256, Long.MAX_VALUE, (i) -> 1, NEVER, Schedulers.parallel()), 2)
			.expectNextCount(2)
			.expectNoEvent(Duration.ofMillis(200))
			.then(() -> assertThat(asked.get()).as("items asked of the source").isLessThanOrEqualTo(2048))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(cancelled).isTrue();
	}

	@Test
	void anErrorComesAfterTheItemsBeforeIt() {
		StepVerifier
			.create(Batches.of(Flux.concat(Flux.range(0, 300), Flux.error(new IllegalStateException("engine gone"))),
					256, Long.MAX_VALUE, (i) -> 1, NEVER, Schedulers.parallel()))
			.assertNext((batch) -> assertThat(batch).containsExactly(0))
			.assertNext((batch) -> assertThat(batch).hasSize(256).startsWith(1))
			.assertNext((batch) -> assertThat(batch).hasSize(43).endsWith(299))
			.expectErrorMessage("engine gone")
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void cancellingStopsTheTimerAndTheSource() throws InterruptedException {
		AtomicBoolean cancelled = new AtomicBoolean();
		Sinks.Many<Integer> items = Sinks.many().unicast().onBackpressureBuffer();
		List<List<Integer>> seen = new CopyOnWriteArrayList<>();
		var subscription = Batches
			.of(items.asFlux().doOnCancel(() -> cancelled.set(true)), 256, Long.MAX_VALUE, (i) -> 1,
					Duration.ofMillis(50), Schedulers.parallel())
			.subscribe(seen::add);
		items.tryEmitNext(1);
		// 1 went at once (after quiet); 2 waits for the timer, which the cancel stops
		items.tryEmitNext(2);
		subscription.dispose();
		Thread.sleep(150);
		assertThat(cancelled).isTrue();
		assertThat(seen).containsExactly(List.of(1));
	}

	/**
	 * A producer on one thread, a reader that asks for one batch at a time at random
	 * moments on another, and a timer of 0 to 1 ms on a third: every item arrives once,
	 * in order, in non-empty batches, and the stream completes. The weigher sometimes
	 * pauses on the producer's thread, which holds an item in the queue before it is
	 * counted: a drain then must not take it (taking it once sent empty batches and made
	 * a drain throw, stalling the stream for good).
	 */
	@RepeatedTest(20)
	void racingProducerReaderAndTimerLoseNothing() throws InterruptedException {
		int count = 20_000;
		Scheduler producer = Schedulers.newSingle("producer");
		Scheduler reader = Schedulers.newSingle("reader");
		try {
			Flux<Integer> source = Flux.range(0, count).map((i) -> {
				if (ThreadLocalRandom.current().nextInt(500) == 0) {
					LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
				}
				return i;
			}).subscribeOn(producer);
			Duration delay = Duration.ofNanos(ThreadLocalRandom.current().nextLong(1_000_000));
			List<Integer> received = new ArrayList<>();
			CountDownLatch done = new CountDownLatch(1);
			AtomicReference<Throwable> failure = new AtomicReference<>();
			ToLongFunction<Integer> weigher = (i) -> {
				if (Thread.currentThread().getName().startsWith("producer")
						&& ThreadLocalRandom.current().nextInt(50) == 0) {
					LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000));
				}
				return 1;
			};
			Batches
				.of(source, 1 + ThreadLocalRandom.current().nextInt(300), Long.MAX_VALUE, weigher, delay,
						Schedulers.parallel())
				.subscribe(new BaseSubscriber<List<Integer>>() {

					@Override
					protected void hookOnSubscribe(Subscription subscription) {
						askLater();
					}

					@Override
					protected void hookOnNext(List<Integer> batch) {
						assertThat(batch).isNotEmpty();
						synchronized (received) {
							received.addAll(batch);
						}
						askLater();
					}

					private void askLater() {
						reader.schedule(() -> request(1), ThreadLocalRandom.current().nextInt(3) * 100,
								TimeUnit.MICROSECONDS);
					}

					@Override
					protected void hookOnError(Throwable ex) {
						failure.set(ex);
					}

					@Override
					protected void hookFinally(reactor.core.publisher.SignalType type) {
						done.countDown();
					}

				});
			assertThat(done.await(60, TimeUnit.SECONDS)).as("the stream completed").isTrue();
			assertThat(failure.get()).isNull();
			synchronized (received) {
				assertThat(received).hasSize(count);
				for (int i = 0; i < count; i++) {
					if (received.get(i) != i) {
						throw new AssertionError("item " + i + " was " + received.get(i));
					}
				}
			}
		}
		finally {
			producer.dispose();
			reader.dispose();
		}
	}

}
