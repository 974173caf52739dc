package io.daeploy.manager.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerStateCache;
import io.daeploy.manager.runtime.RuntimeFailure;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Service versions as clients see them: a stored row plus its container's state, read
 * from the state cache (no runtime call while the cache is live).
 */
@Component
class ServiceViews {

	private final ContainerStateCache cache;

	private final ProxyConnector proxy;

	private final DaeployProperties properties;

	ServiceViews(ContainerStateCache cache, ProxyConnector proxy, DaeployProperties properties) {
		this.cache = cache;
		this.proxy = proxy;
		this.properties = properties;
	}

	/**
	 * Every container of this manager, from the cache.
	 * @return the containers, or {@link Containers#UNAVAILABLE} when the runtime does not
	 * answer
	 */
	Mono<Containers> containers() {
		return this.cache.containers()
			.map((byKey) -> new Containers(true, byKey))
			.onErrorResume(RuntimeFailure.class, (ex) -> Mono.just(Containers.UNAVAILABLE));
	}

	/**
	 * The containers known now, without waiting: the cache's, or unavailable when the
	 * cache is not live.
	 * @return the containers
	 */
	Containers current() {
		return this.cache.isLive() ? new Containers(true, this.cache.current()) : Containers.UNAVAILABLE;
	}

	/**
	 * A stored version as clients see it.
	 * @param row the stored version
	 * @param containers the runtime's containers
	 * @return the view
	 */
	ServiceView view(ServiceRecord row, Containers containers) {
		return view(row, containers, origin());
	}

	/**
	 * Stored versions as clients see them, all against one reading of the proxy's address
	 * (a list of 200 asked the proxy's socket 200 times).
	 * @param rows the stored versions
	 * @param containers the runtime's containers
	 * @return the views, in the order of the rows
	 */
	List<ServiceView> views(List<ServiceRecord> rows, Containers containers) {
		String origin = origin();
		List<ServiceView> views = new ArrayList<>(rows.size());
		for (ServiceRecord row : rows) {
			views.add(view(row, containers, origin));
		}
		return views;
	}

	// paths for browsers, which resolve them against the host name they reach the proxy
	// by; URLs on DAEPLOY_HOST_NAME for everyone else
	private String origin() {
		return this.properties.externalUrl(this.proxy.httpPort());
	}

	private ServiceView view(ServiceRecord row, Containers containers, String origin) {
		ServiceState state;
		Instant since = null;
		if (!containers.available()) {
			state = ServiceState.UNKNOWN;
		}
		else {
			ContainerInfo container = containers.byKey().get(ContainerStateCache.key(row.name(), row.version()));
			state = (container != null) ? ServiceState.of(container.state()) : ServiceState.MISSING;
			since = (container != null) ? container.changedAt() : null;
		}
		String path = "/services/" + row.name() + "_" + row.version() + "/";
		String servicePath = row.main() ? "/services/" + row.name() + "/" : null;
		return new ServiceView(row.name(), row.version(), row.image(), row.port(), row.main(), state, since,
				origin + path, path, (servicePath != null) ? origin + servicePath : null, servicePath, row.createdAt());
	}

	/**
	 * The runtime's containers of this manager, keyed by {@link ContainerStateCache#key}.
	 *
	 * @param available whether the runtime answered
	 * @param byKey the containers
	 */
	record Containers(boolean available, Map<String, ContainerInfo> byKey) {

		static final Containers UNAVAILABLE = new Containers(false, Map.of());

	}

}
