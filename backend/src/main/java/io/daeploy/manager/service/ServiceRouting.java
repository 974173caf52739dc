package io.daeploy.manager.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.runtime.ContainerInfo;
import io.daeploy.manager.runtime.ContainerState;
import io.daeploy.manager.runtime.ContainerStateCache;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the proxy's {@link RouteTable} equal to what is stored and running: recomputed
 * from memory (stored rows plus the container cache) on every store change and every
 * container change, before the change's caller goes on, so a deploy that returns is
 * already routed and a killed version is unrouted before its row goes.
 */
@Component
class ServiceRouting {

	private static final Log logger = LogFactory.getLog(ServiceRouting.class);

	private final ServiceStore store;

	private final ContainerStateCache containers;

	private final ProxyConnector proxy;

	private final boolean managerInContainer;

	private RouteTable current;

	ServiceRouting(ServiceStore store, ContainerStateCache containers, ProxyConnector proxy,
			DaeployProperties properties) {
		this.store = store;
		this.containers = containers;
		this.proxy = proxy;
		this.managerInContainer = properties.managerInContainer();
		store.onChange(this::refresh);
		containers.onChange(this::refresh);
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		this.store.findAll()
			.then()
			.subscribe(null, (ex) -> logger.warn("Could not load the services to route: " + ex.getMessage()),
					this::refresh);
	}

	/**
	 * Recomputes the table and hands it to the proxy when it changed.
	 */
	synchronized void refresh() {
		RouteTable table = table(this.store.current(), this.containers.current());
		if (!table.equals(this.current)) {
			this.current = table;
			this.proxy.route(table);
			logger.debug("Routing " + table);
		}
	}

	private RouteTable table(List<ServiceRecord> rows, Map<String, ContainerInfo> running) {
		List<Backend> backends = new ArrayList<>();
		for (ServiceRecord row : rows) {
			ContainerInfo container = running.get(ContainerStateCache.key(row.name(), row.version()));
			if (container == null || container.state() != ContainerState.RUNNING) {
				continue;
			}
			String url = null;
			if (this.managerInContainer) {
				url = "http://" + row.containerName() + ":" + row.port();
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
