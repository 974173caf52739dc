package io.daeploy.manager.service;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import io.daeploy.manager.runtime.ContainerStateCache;
import io.daeploy.manager.runtime.ContainerStateCache.ContainerChange;
import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;

/**
 * The topic of service changes: deploys, kills, main switches and state changes, each
 * with the version's new view, published once the change is stored or observed. It
 * follows the store's and the container cache's streams and turns their changes into what
 * clients see, emitting a state change only when a version's visible state really
 * changed.
 */
@Component
public class ServiceEvents {

	/** Events a subscriber's delivery holds beyond its buffer. */
	private static final int DELIVERY_PREFETCH = 32;

	private static final Log logger = LogFactory.getLog(ServiceEvents.class);

	/** Events a slow subscriber may fall behind by before its stream fails. */
	static final int SUBSCRIBER_BUFFER = 1024;

	private final ServiceStore store;

	private final ServiceViews views;

	private final Sinks.Many<ServiceEvent> events = Sinks.many().multicast().directBestEffort();

	/** The state last published per version; guarded by {@code this}. */
	private final Map<String, ServiceState> published = new HashMap<>();

	private final Disposable following;

	ServiceEvents(ServiceStore store, ContainerStateCache containers, ServiceViews views) {
		this.store = store;
		this.views = views;
		this.following = Flux
			.merge(store.changes().doOnNext((change) -> guarded(() -> stored(change))),
					containers.changes().doOnNext((change) -> guarded(() -> observed(change))))
			.subscribe();
	}

	@PreDestroy
	void stop() {
		this.following.dispose();
	}

	/**
	 * The events from now on.
	 * @param name only this service's, or all when {@code null}
	 * @return the events; a subscriber that falls more than {@value #SUBSCRIBER_BUFFER}
	 * events behind gets an error rather than holding the others up
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Flux<ServiceEvent> events(String name) {
		return this.events.asFlux()
			.filter((event) -> name == null || event.name().equals(name))
			.onBackpressureBuffer(SUBSCRIBER_BUFFER, (dropped) -> {
			}, BufferOverflowStrategy.ERROR)
			// each subscriber's GraphQL execution runs off the thread that made the
			// change
			.publishOn(Schedulers.parallel(), DELIVERY_PREFETCH);
	}

	private synchronized void stored(ServiceStore.Change change) {
		ServiceViews.Containers containers = this.views.current();
		switch (change.kind()) {
			case INSERTED -> publish(ServiceEvent.Kind.DEPLOYED, change.name(), change.version(), containers);
			case DELETED -> {
				this.published.remove(ContainerStateCache.key(change.name(), change.version()));
				emit(new ServiceEvent(ServiceEvent.Kind.KILLED, change.name(), change.version(), null));
			}
			case MAIN_CHANGED -> {
				publish(ServiceEvent.Kind.MAIN_CHANGED, change.name(), change.version(), containers);
				if (change.previousMain() != null) {
					publish(ServiceEvent.Kind.MAIN_CHANGED, change.name(), change.previousMain(), containers);
				}
			}
		}
	}

	private synchronized void observed(ContainerChange change) {
		ServiceViews.Containers containers = this.views.current();
		for (ServiceRecord row : this.store.current()) {
			if (change.all() || (row.name().equals(change.name()) && row.version().equals(change.version()))) {
				ServiceView view = this.views.view(row, containers);
				String key = ContainerStateCache.key(row.name(), row.version());
				if (!Objects.equals(this.published.put(key, view.state()), view.state())) {
					emit(new ServiceEvent(ServiceEvent.Kind.STATE_CHANGED, row.name(), row.version(), view));
				}
			}
		}
	}

	private static void guarded(Runnable handler) {
		try {
			handler.run();
		}
		catch (RuntimeException ex) {
			// one bad change must not end the topic
			logger.error("Could not publish a service change", ex);
		}
	}

	private void publish(ServiceEvent.Kind kind, String name, String version, ServiceViews.Containers containers) {
		this.store.current()
			.stream()
			.filter((row) -> row.name().equals(name) && row.version().equals(version))
			.findFirst()
			.ifPresent((row) -> {
				ServiceView view = this.views.view(row, containers);
				this.published.put(ContainerStateCache.key(name, version), view.state());
				emit(new ServiceEvent(kind, name, version, view));
			});
	}

	private void emit(ServiceEvent event) {
		this.events.tryEmitNext(event);
	}

	/**
	 * A change of one service version.
	 *
	 * @param kind what happened
	 * @param name service name
	 * @param version service version
	 * @param service the version's view now; {@code null} after a kill
	 */
	public record ServiceEvent(Kind kind, String name, String version, ServiceView service) {

		/**
		 * What happened.
		 */
		public enum Kind {

			DEPLOYED, KILLED, MAIN_CHANGED, STATE_CHANGED

		}

	}

}
