package io.daeploy.manager.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The state of this manager's containers, kept current from the runtime's event stream so
 * that listing services costs no runtime call. It follows the events first, then loads a
 * snapshot, and refreshes one container per event. While the stream is down it is not
 * live and callers fall back to one runtime list call; it reconnects on its own.
 */
@Component
public class ContainerStateCache {

	private static final Log logger = LogFactory.getLog(ContainerStateCache.class);

	private final RuntimeConnector runtime;

	private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<ContainerEvent>> eventListeners = new CopyOnWriteArrayList<>();

	private volatile boolean live;

	private volatile Disposable following;

	ContainerStateCache(RuntimeConnector runtime) {
		this.runtime = runtime;
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		this.following = Flux.defer(this::follow)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30)))
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
	 * @return containers by {@link #key}; an error when the runtime does not answer
	 */
	public Mono<Map<String, ContainerInfo>> containers() {
		if (this.live) {
			return Mono.just(Map.copyOf(this.containers));
		}
		return this.runtime.list().collectMap((container) -> key(container.name(), container.version()));
	}

	/**
	 * Whether the cache follows the runtime's events now.
	 * @return {@code true} when lists are served from memory
	 */
	public boolean isLive() {
		return this.live;
	}

	/**
	 * Records a container the manager just started, before its events arrive.
	 * @param container the container
	 */
	public void started(ContainerInfo container) {
		put(container);
	}

	/**
	 * Forgets a container the manager just removed, before its events arrive.
	 * @param name service name
	 * @param version service version
	 */
	public void removed(String name, String version) {
		remove(name, version);
	}

	/**
	 * Calls a listener whenever a container appears, goes or changes state or address, on
	 * the thread that saw it.
	 * @param listener the listener
	 */
	public void onChange(Runnable listener) {
		this.listeners.add(listener);
	}

	/**
	 * The containers known now, without a runtime call even when not live.
	 * @return containers by {@link #key}
	 */
	public Map<String, ContainerInfo> current() {
		return Map.copyOf(this.containers);
	}

	private void put(ContainerInfo container) {
		ContainerInfo before = this.containers.put(key(container.name(), container.version()), container);
		if (before == null || before.state() != container.state()
				|| !Objects.equals(before.publishedAddress(), container.publishedAddress())) {
			changed();
		}
	}

	private void remove(String name, String version) {
		if (this.containers.remove(key(name, version)) != null) {
			changed();
		}
	}

	/**
	 * Calls a listener with every event the runtime reports for this manager's
	 * containers, on the thread that reads the event stream; it must not block.
	 * @param listener the listener
	 */
	public void onEvent(Consumer<ContainerEvent> listener) {
		this.eventListeners.add(listener);
	}

	private void announce(ContainerEvent event) {
		for (Consumer<ContainerEvent> listener : this.eventListeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException ex) {
				logger.warn("A container event listener failed: " + ex.getMessage());
			}
		}
	}

	private void changed() {
		for (Runnable listener : this.listeners) {
			listener.run();
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

	private Flux<Void> follow() {
		Flux<ContainerEvent> events = this.runtime.events().share();
		// subscribe to events before the snapshot, so nothing between the two is lost
		Flux<Void> refreshes = events.doOnNext(this::announce)
			.concatMap((event) -> refresh(event.name(), event.version()));
		Mono<Void> snapshot = this.runtime.list().collectMap((c) -> key(c.name(), c.version())).doOnNext((all) -> {
			this.containers.keySet().retainAll(all.keySet());
			this.containers.putAll(all);
			this.live = true;
			changed();
			logger.info("Following the runtime's events; " + all.size() + " containers");
		}).then();
		return Flux.merge(refreshes, Mono.delay(Duration.ofMillis(50)).then(snapshot).flux())
			.doFinally((signal) -> this.live = false)
			.doOnError((ex) -> logger.warn("Lost the runtime's event stream (" + ex.getMessage() + "); retrying"))
			.concatWith(Mono.error(() -> new IllegalStateException("the runtime's event stream ended")));
	}

	private Mono<Void> refresh(String name, String version) {
		return this.runtime.find(name, version)
			.doOnNext(this::put)
			.switchIfEmpty(Mono.fromRunnable(() -> remove(name, version)))
			.onErrorResume((ex) -> Mono.fromRunnable(() -> this.live = false))
			.then();
	}

}
