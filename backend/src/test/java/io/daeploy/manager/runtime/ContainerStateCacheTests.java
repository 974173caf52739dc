package io.daeploy.manager.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache's ordering rules, against a runtime the test plays itself: whatever path an
 * observation takes and whenever it arrives, an older one never replaces a newer one; a
 * removed container never comes back; a failing refresh is retried and, failing still,
 * the cache reconnects rather than staying stale.
 */
class ContainerStateCacheTests {

	private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

	private final FakeRuntime runtime = new FakeRuntime();

	private final ContainerStateCache cache = new ContainerStateCache(this.runtime, Duration.ofMillis(10),
			Duration.ofMillis(50));

	@AfterEach
	void stop() {
		this.cache.stop();
	}

	@Test
	void aStaleObservationNeverReplacesANewerOne() {
		startLive();
		ContainerInfo running = info("c1", ContainerState.RUNNING, T0.plusSeconds(1));
		ContainerInfo exited = info("c1", ContainerState.EXITED, T0.plusSeconds(2));
		// the event stream's refresh saw the exit first...
		this.runtime.observations.put("c1", exited);
		this.runtime.events.tryEmitNext(event("c1", "die"));
		await().atMost(Duration.ofSeconds(5)).until(() -> state("svc") == ContainerState.EXITED);
		// ...then the deploy's own, older answer arrives
		this.cache.observed(running);
		assertThat(state("svc")).isEqualTo(ContainerState.EXITED);
	}

	@Test
	void aLaterObservationReplacesAnEarlierOneWhicheverPathBringsIt() {
		startLive();
		this.cache.observed(info("c1", ContainerState.RUNNING, T0.plusSeconds(1)));
		this.cache.observed(info("c1", ContainerState.EXITED, T0.plusSeconds(2)));
		assertThat(state("svc")).isEqualTo(ContainerState.EXITED);
		this.cache.observed(info("c1", ContainerState.RUNNING, T0.plusSeconds(3)));
		assertThat(state("svc")).isEqualTo(ContainerState.RUNNING);
	}

	@Test
	void aRemovedContainerIsNotBroughtBackByALateObservation() {
		startLive();
		ContainerInfo running = info("c1", ContainerState.RUNNING, T0.plusSeconds(1));
		this.cache.observed(running);
		this.cache.removed("svc", "1.0.0");
		assertThat(this.cache.current()).isEmpty();
		this.cache.observed(info("c1", ContainerState.RUNNING, T0.plusSeconds(5)));
		assertThat(this.cache.current()).isEmpty();
		// a new container of the same version is a new id, created later
		this.cache.observed(info("c2", ContainerState.RUNNING, T0.plusSeconds(6)));
		assertThat(state("svc")).isEqualTo(ContainerState.RUNNING);
	}

	@Test
	void aDestroyEventRemovesTheContainerForGood() {
		startLive();
		this.cache.observed(info("c1", ContainerState.EXITED, T0.plusSeconds(1)));
		this.runtime.events.tryEmitNext(event("c1", "destroy"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.current().isEmpty());
		this.cache.observed(info("c1", ContainerState.EXITED, T0.plusSeconds(2)));
		assertThat(this.cache.current()).isEmpty();
	}

	@Test
	void theSnapshotAfterAReconnectDropsContainersThatWentAwayMeanwhile() {
		this.runtime.listed.add(info("c1", ContainerState.RUNNING, T0));
		this.runtime.observations.put("c1", info("c1", ContainerState.RUNNING, T0));
		startLive();
		assertThat(state("svc")).isEqualTo(ContainerState.RUNNING);
		// the container goes while the stream is down: no event will ever say so
		this.runtime.listed.clear();
		this.runtime.observations.clear();
		this.runtime.events.tryEmitError(new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "gone", null));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.isLive() && this.cache.current().isEmpty());
	}

	@Test
	void aFailingRefreshIsRetriedThenTheCacheReconnectsAndIsTrueAgain() {
		startLive();
		int connections = this.runtime.connections.get();
		this.cache.observed(info("c1", ContainerState.RUNNING, T0.plusSeconds(1)));
		// the engine fails every observation for a while: the refresh is retried, then
		// the stream is given up and followed anew
		this.runtime.failObservations.set(100);
		this.runtime.observations.put("c1", info("c1", ContainerState.EXITED, T0.plusSeconds(2)));
		this.runtime.listed.add(info("c1", ContainerState.EXITED, T0.plusSeconds(2)));
		this.runtime.events.tryEmitNext(event("c1", "die"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.runtime.connections.get() > connections);
		this.runtime.failObservations.set(0);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.isLive() && state("svc") == ContainerState.EXITED);
		assertThat(this.runtime.observeCalls.get()).isGreaterThanOrEqualTo(4);
	}

	@Test
	void changesArePublishedAfterTheyAreApplied() {
		startLive();
		List<ContainerStateCache.ContainerChange> seen = new CopyOnWriteArrayList<>();
		this.cache.changes()
			.subscribe((change) -> seen.add(new ContainerStateCache.ContainerChange(change.name(), change.version(),
					this.cache.current().get(ContainerStateCache.key("svc", "1.0.0")))));
		ContainerInfo running = info("c1", ContainerState.RUNNING, T0.plusSeconds(1));
		this.cache.observed(running);
		this.cache.observed(info("c1", ContainerState.RUNNING, T0.plusSeconds(1)));
		assertThat(seen).singleElement().satisfies((change) -> assertThat(change.container()).isEqualTo(running));
	}

	@Test
	void losingTheStreamIsNotLiveAtOnceAndReconnects() {
		startLive();
		List<ContainerStateCache.ContainerChange> seen = new CopyOnWriteArrayList<>();
		this.cache.changes().subscribe(seen::add);
		int connections = this.runtime.connections.get();
		this.runtime.events.tryEmitError(new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "gone", null));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.runtime.connections.get() > connections);
		assertThat(seen).contains(ContainerStateCache.ContainerChange.ALL);
		await().atMost(Duration.ofSeconds(5)).until(this.cache::isLive);
	}

	private void startLive() {
		this.cache.start();
		await().atMost(Duration.ofSeconds(5)).until(this.cache::isLive);
	}

	private ContainerState state(String name) {
		ContainerInfo info = this.cache.current().get(ContainerStateCache.key(name, "1.0.0"));
		return (info != null) ? info.state() : null;
	}

	private static ContainerInfo info(String id, ContainerState state, Instant changedAt) {
		return new ContainerInfo(id, "daeploy-svc-1.0.0", "svc", "1.0.0", "image:1", 8000, state,
				(state == ContainerState.RUNNING) ? "127.0.0.1:40000" : null, T0, changedAt);
	}

	private static ContainerEvent event(String id, String action) {
		return new ContainerEvent(id, "svc", "1.0.0", action, null, Instant.now());
	}

	/**
	 * A runtime whose answers the test decides.
	 */
	static final class FakeRuntime implements RuntimeConnector {

		volatile Sinks.Many<ContainerEvent> events = Sinks.many().multicast().onBackpressureBuffer();

		final Map<String, ContainerInfo> observations = new ConcurrentHashMap<>();

		final List<ContainerInfo> listed = new CopyOnWriteArrayList<>();

		final AtomicInteger connections = new AtomicInteger();

		final AtomicInteger failObservations = new AtomicInteger();

		final AtomicInteger observeCalls = new AtomicInteger();

		@Override
		public Mono<RuntimeStatus> status() {
			return Mono.just(new RuntimeStatus("fake", true, "1", null));
		}

		@Override
		public Mono<ContainerInfo> deploy(ContainerSpec spec) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Flux<ContainerInfo> list() {
			return Flux.defer(() -> Flux.fromIterable(new ArrayList<>(this.listed)));
		}

		@Override
		public Mono<ContainerInfo> observe(String id) {
			return Mono.defer(() -> {
				this.observeCalls.incrementAndGet();
				if (this.failObservations.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
					return Mono.error(new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "no answer", null));
				}
				return Mono.justOrEmpty(this.observations.get(id));
			});
		}

		@Override
		public Mono<Instant> time() {
			return Mono.just(Instant.now());
		}

		@Override
		public Flux<ContainerEvent> events(Instant since) {
			return Flux.defer(() -> {
				this.connections.incrementAndGet();
				this.events = Sinks.many().multicast().onBackpressureBuffer();
				return this.events.asFlux();
			});
		}

		@Override
		public Flux<LogLine> logs(String name, String version, int tail, Instant since, boolean follow) {
			return Flux.empty();
		}

		@Override
		public Mono<ContainerDetails> inspect(String name, String version) {
			return Mono.empty();
		}

		@Override
		public Mono<Boolean> remove(String name, String version) {
			return Mono.just(false);
		}

		@Override
		public Mono<Boolean> stop(String name, String version, java.time.Duration timeout) {
			return Mono.just(false);
		}

		@Override
		public Mono<ContainerInfo> start(String name, String version) {
			return Mono.empty();
		}

		@Override
		public Mono<Boolean> removeImage(String image) {
			return Mono.just(false);
		}

		@Override
		public String containerName(String name, String version) {
			return "daeploy-" + name + "-" + version;
		}

		@Override
		public List<String> reservedLabels() {
			return List.of();
		}

	}

}
