package io.daeploy.manager.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerState;
import io.daeploy.manager.runtime.ContainerStateCache;
import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the proxy's {@link RouteTable} equal to what is stored and running. It follows
 * the store's and the container cache's change streams and recomputes the table from
 * memory on a thread of its own, so neither the database's nor the runtime's threads ever
 * write proxy files; a burst of changes costs one recomputation. Callers that must know
 * their change is routed (a deploy before it returns, a kill before the row goes) wait
 * for {@link #routed()}.
 */
@Component
class ServiceRouting {

	private static final Log logger = LogFactory.getLog(ServiceRouting.class);

	private final ServiceStore store;

	private final ContainerStateCache containers;

	private final ProxyConnector proxy;

	private final boolean managerInContainer;

	private final Scheduler scheduler = Schedulers.newSingle("routing", true);

	/** Bumped by every change; the table computed after reading it covers that change. */
	private final AtomicLong wanted = new AtomicLong();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	/** The latest {@link #wanted} value a computed table covers. */
	private final Sinks.Many<Long> done = Sinks.many().replay().latest();

	private final Disposable following;

	private RouteTable current;

	/**
	 * Versions not to route even while they run: restarted ones that are not healthy yet.
	 */
	private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

	ServiceRouting(ServiceStore store, ContainerStateCache containers, ProxyConnector proxy,
			DaeployProperties properties) {
		this.store = store;
		this.containers = containers;
		this.proxy = proxy;
		this.managerInContainer = properties.managerInContainer();
		this.following = Flux.merge(store.changes(), containers.changes()).subscribe((change) -> request());
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		this.store.findAll()
			.then()
			.subscribe(null, (ex) -> logger.warn("Could not load the services to route: " + ex.getMessage()),
					this::request);
	}

	@PreDestroy
	void stop() {
		this.following.dispose();
		this.scheduler.dispose();
	}

	/**
	 * Completes once the proxy routes a table computed after this call, so every change
	 * made before it is routed.
	 * @return completion
	 */
	Mono<Void> routed() {
		long target = request();
		// the caller goes on off the routing thread, which only routes
		return this.done.asFlux().filter((covered) -> covered >= target).next().publishOn(Schedulers.parallel()).then();
	}

	/**
	 * Keeps a stored version out of the routes while it runs, until {@link #release}.
	 * @param name service name
	 * @param version service version
	 * @return completion once the routes leave it out
	 */
	Mono<Void> hold(String name, String version) {
		this.held.add(ContainerStateCache.key(name, version));
		return routed();
	}

	/**
	 * Routes a held version again (when it runs).
	 * @param name service name
	 * @param version service version
	 * @return completion once the routes include it
	 */
	Mono<Void> release(String name, String version) {
		this.held.remove(ContainerStateCache.key(name, version));
		return routed();
	}

	private long request() {
		long target = this.wanted.incrementAndGet();
		if (this.scheduled.compareAndSet(false, true)) {
			this.scheduler.schedule(this::refresh);
		}
		return target;
	}

	private void refresh() {
		this.scheduled.set(false);
		long target = this.wanted.get();
		try {
			RouteTable table = table(this.store.current(), this.containers.current());
			if (!table.equals(this.current)) {
				this.current = table;
				this.proxy.route(table);
				logger.debug("Routing " + table);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Could not route the services", ex);
		}
		finally {
			// only this thread emits
			this.done.tryEmitNext(target);
		}
	}

	private RouteTable table(List<ServiceRecord> rows, Map<String, ContainerInfo> running) {
		List<Backend> backends = new ArrayList<>();
		for (ServiceRecord row : rows) {
			String key = ContainerStateCache.key(row.name(), row.version());
			ContainerInfo container = running.get(key);
			if (container == null || container.state() != ContainerState.RUNNING || this.held.contains(key)) {
				continue;
			}
			String url = null;
			if (this.managerInContainer) {
				url = "http://" + container.containerName() + ":" + row.port();
			}
			else if (container.publishedAddress() != null) {
				url = "http://" + container.publishedAddress();
			}
			if (url != null) {
				backends.add(new Backend(row.name(), row.version(), row.main(), url));
			}
		}
		return RouteTable.of(backends);
	}

}
