package io.daeploy.manager.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The state of this manager's containers, kept true from the runtime's event stream so
 * that listing services costs no runtime call.
 * <p>
 * Observations arrive by several paths (the deploy's own answer, the refresh after each
 * event, a snapshot at every (re)connection) in any order; each carries the runtime's
 * time of the change it reflects ({@link ContainerInfo#changedAt}) and an older one never
 * replaces a newer one. Two observations of the same moment are ordered by when they were
 * asked for. A removed container's id is remembered, so no late observation brings it
 * back.
 * <p>
 * Following: take the runtime's time, subscribe to its events from that time (so nothing
 * is missed), then read a snapshot. Each event triggers one refresh of its container,
 * retried with backoff; if that still fails, or the stream breaks, the cache stops being
 * live (callers fall back to one runtime call, or see the runtime unavailable) and
 * reconnects within a few seconds, snapshot and all.
 * <p>
 * Changes are published on {@link #changes()} and raw events on {@link #events()}, each
 * one multicast stream, emitted after the change is applied.
 */
@Component
public class ContainerStateCache {

	private static final Log logger = LogFactory.getLog(ContainerStateCache.class);

	private static final int REMEMBERED_REMOVALS = 4096;

	private static final Duration FALLBACK_TIMEOUT = Duration.ofSeconds(3);

	private final RuntimeConnector runtime;

	private final Object lock = new Object();

	private final Map<String, Entry> containers = new ConcurrentHashMap<>();

	/** Ids of removed containers, oldest first; guarded by {@link #lock}. */
	private final Map<String, Boolean> removed = new LinkedHashMap<>(16, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
			return size() > REMEMBERED_REMOVALS;
		}

	};

	private final Sinks.Many<ContainerChange> changes = Sinks.many().multicast().directBestEffort();

	private final Sinks.Many<ContainerEvent> events = Sinks.many().multicast().directBestEffort();

	/** Orders observations of the same moment by when they were asked for. */
	private long asked;

	private volatile boolean live;

	private volatile Disposable following;

	private final Duration firstBackoff;

	private final Duration maxBackoff;

	@Autowired
	ContainerStateCache(RuntimeConnector runtime) {
		this(runtime, Duration.ofMillis(250), Duration.ofSeconds(1));
	}

	ContainerStateCache(RuntimeConnector runtime, Duration firstBackoff, Duration maxBackoff) {
		this.runtime = runtime;
		this.firstBackoff = firstBackoff;
		this.maxBackoff = maxBackoff;
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		this.following = Flux.defer(this::follow)
			.retryWhen(
					Retry.backoff(Long.MAX_VALUE, this.firstBackoff).maxBackoff(this.maxBackoff).transientErrors(true))
			.subscribe();
	}

	@PreDestroy
	void stop() {
		this.live = false;
		if (this.following != null) {
			this.following.dispose();
		}
	}

	/**
	 * Every container of this manager.
	 * @return containers by {@link #key}; an error when the cache is not live and the
	 * runtime does not answer either
	 */
	public Mono<Map<String, ContainerInfo>> containers() {
		if (this.live) {
			return Mono.just(current());
		}
		return this.runtime.list()
			.collectMap((container) -> key(container.name(), container.version()))
			.timeout(FALLBACK_TIMEOUT, Mono.error(() -> new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE,
					"The runtime did not answer within " + FALLBACK_TIMEOUT.toSeconds() + " s", null)));
	}

	/**
	 * Whether the cache follows the runtime's events now.
	 * @return {@code true} when lists are served from memory
	 */
	public boolean isLive() {
		return this.live;
	}

	/**
	 * The containers known now, without a runtime call even when not live.
	 * @return containers by {@link #key}
	 */
	public Map<String, ContainerInfo> current() {
		Map<String, ContainerInfo> all = new HashMap<>();
		this.containers.forEach((key, entry) -> all.put(key, entry.info()));
		return all;
	}

	/**
	 * Every change of a container's presence, state or address, and every change of
	 * {@link #isLive()}, emitted after it is applied. Subscribers must not block: they
	 * are called on the thread that applied the change.
	 * @return the changes, from the moment of subscription
	 */
	public Flux<ContainerChange> changes() {
		return this.changes.asFlux();
	}

	/**
	 * Every event the runtime reports for this manager's containers, as it arrives.
	 * Subscribers must not block.
	 * @return the events, from the moment of subscription
	 */
	public Flux<ContainerEvent> events() {
		return this.events.asFlux();
	}

	/**
	 * Records what the manager itself observed, e.g. the container a deploy started. It
	 * is applied only if nothing later is known.
	 * @param container the observation
	 */
	public void observed(ContainerInfo container) {
		apply(container, ask());
	}

	/**
	 * Forgets a container the manager just removed, before its events arrive; no later
	 * observation of it is applied.
	 * @param name service name
	 * @param version service version
	 */
	public void removed(String name, String version) {
		synchronized (this.lock) {
			Entry entry = this.containers.get(key(name, version));
			if (entry != null) {
				forget(entry.info());
			}
		}
	}

	/**
	 * The key of a service version in {@link #containers()}.
	 * @param name service name
	 * @param version service version
	 * @return the key
	 */
	public static String key(String name, String version) {
		return name + "\n" + version;
	}

	private long ask() {
		synchronized (this.lock) {
			return ++this.asked;
		}
	}

	private void apply(ContainerInfo info, long askedAt) {
		if (info.name() == null || info.version() == null) {
			return;
		}
		synchronized (this.lock) {
			if (this.removed.containsKey(info.id())) {
				return;
			}
			String key = key(info.name(), info.version());
			Entry current = this.containers.get(key);
			boolean newer = current == null || info.isLaterThan(current.info())
					|| (info.isAsLateAs(current.info()) && askedAt > current.askedAt());
			if (!newer) {
				return;
			}
			this.containers.put(key, new Entry(info, askedAt));
			if (current == null || current.info().state() != info.state()
					|| !Objects.equals(current.info().publishedAddress(), info.publishedAddress())
					|| !current.info().id().equals(info.id())) {
				emit(new ContainerChange(info.name(), info.version(), info));
			}
		}
	}

	/**
	 * Removes a container's entry for good; called holding {@link #lock}.
	 */
	private void forget(ContainerInfo info) {
		this.removed.put(info.id(), Boolean.TRUE);
		String key = key(info.name(), info.version());
		Entry current = this.containers.get(key);
		if (current != null && current.info().id().equals(info.id())) {
			this.containers.remove(key);
			emit(new ContainerChange(info.name(), info.version(), null));
		}
	}

	private void emit(ContainerChange change) {
		// called holding the lock, so emissions never overlap
		this.changes.tryEmitNext(change);
	}

	private void setLive(boolean now) {
		synchronized (this.lock) {
			if (this.live != now) {
				this.live = now;
				emit(ContainerChange.ALL);
			}
		}
	}

	private Flux<Void> follow() {
		return this.runtime.time().flatMapMany((since) -> {
			Flux<Void> followed = this.runtime.events(since).doOnNext(this::announce).flatMap(this::onEvent, 8);
			return Flux.merge(followed, snapshot().flux());
		})
			.doFinally((signal) -> setLive(false))
			.doOnError((ex) -> logger.warn("Lost the runtime's event stream (" + ex.getMessage() + "); reconnecting"))
			.concatWith(Mono.error(() -> new IllegalStateException("the runtime's event stream ended")));
	}

	private void announce(ContainerEvent event) {
		synchronized (this.lock) {
			this.events.tryEmitNext(event);
		}
	}

	private Mono<Void> onEvent(ContainerEvent event) {
		if (event.destroyed()) {
			synchronized (this.lock) {
				Entry entry = this.containers.get(key(event.name(), event.version()));
				forget((entry != null && entry.info().id().equals(event.id())) ? entry.info()
						: new ContainerInfo(event.id(), null, event.name(), event.version(), null, 0,
								ContainerState.REMOVING, null, null, event.time()));
			}
			return Mono.empty();
		}
		return refresh(event.id(), event.name(), event.version());
	}

	/**
	 * Observes one container again, retried with backoff; when it keeps failing the
	 * stream is given up and followed anew, so the cache is never silently stale.
	 */
	private Mono<Void> refresh(String id, String name, String version) {
		return Mono.defer(() -> {
			long askedAt = ask();
			return this.runtime.observe(id)
				.doOnNext((info) -> apply(info, askedAt))
				.switchIfEmpty(Mono.fromRunnable(() -> gone(id, name, version, askedAt)));
		})
			.retryWhen(Retry.backoff(3, Duration.ofMillis(100)))
			.onErrorMap((ex) -> new IllegalStateException(
					"could not refresh " + name + " " + version + ": " + Objects.toString(ex.getMessage()), ex))
			.then();
	}

	private void gone(String id, String name, String version, long askedAt) {
		synchronized (this.lock) {
			Entry entry = this.containers.get(key(name, version));
			if (entry != null && entry.info().id().equals(id) && entry.askedAt() < askedAt) {
				forget(entry.info());
			}
			else {
				this.removed.put(id, Boolean.TRUE);
			}
		}
	}

	private Mono<Void> snapshot() {
		return Mono.defer(() -> {
			long startedAt = ask();
			return this.runtime.list()
				.flatMap((listed) -> this.runtime.observe(listed.id()), 8)
				.collectList()
				.doOnNext((all) -> {
					long askedAt = ask();
					Set<String> seen = new HashSet<>();
					for (ContainerInfo info : all) {
						apply(info, askedAt);
						seen.add(key(info.name(), info.version()));
					}
					synchronized (this.lock) {
						// what was known before the snapshot began and is not in it is
						// gone
						for (Entry entry : List.copyOf(this.containers.values())) {
							String key = key(entry.info().name(), entry.info().version());
							if (!seen.contains(key) && entry.askedAt() < startedAt) {
								forget(entry.info());
							}
						}
					}
					setLive(true);
					logger.info("Following the runtime's events; " + all.size() + " containers");
				});
		}).then();
	}

	/**
	 * An observation and when it was asked for.
	 */
	private record Entry(ContainerInfo info, long askedAt) {
	}

	/**
	 * A change of one service version's container, or of everything at once.
	 *
	 * @param name service name, {@code null} for {@link #ALL}
	 * @param version service version, {@code null} for {@link #ALL}
	 * @param container the container now, {@code null} when it is gone
	 */
	public record ContainerChange(String name, String version, ContainerInfo container) {

		/** Anything may have changed: the cache went live or stopped being live. */
		public static final ContainerChange ALL = new ContainerChange(null, null, null);

		/**
		 * Whether this change concerns every container.
		 * @return {@code true} for {@link #ALL}
		 */
		public boolean all() {
			return this.name == null;
		}

	}

}
