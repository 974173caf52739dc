package io.daeploy.manager.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.daeploy.manager.notification.ManagerNotifier;
import io.daeploy.manager.notification.Notification;
import io.daeploy.manager.runtime.ContainerEvent;
import io.daeploy.manager.runtime.ContainerStateCache;
import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Tells the team when a service's container stops without being asked to: a manager
 * notification per unexpected stop, seen on the runtime's event stream. Stops the manager
 * itself causes (kills, re-deploys) are announced beforehand and stay quiet.
 */
@Component
class ServiceWatch {

	private static final Log logger = LogFactory.getLog(ServiceWatch.class);

	/** How long an announced stop is expected. */
	private static final Duration EXPECTED_FOR = Duration.ofMinutes(1);

	private final ServiceStore store;

	private final ObjectProvider<ManagerNotifier> notifier;

	private final Map<String, Instant> expected = new ConcurrentHashMap<>();

	private final Disposable following;

	ServiceWatch(ServiceStore store, ContainerStateCache containers, ObjectProvider<ManagerNotifier> notifier) {
		this.store = store;
		this.notifier = notifier;
		this.following = containers.events().subscribe(this::seen);
	}

	@PreDestroy
	void stop() {
		this.following.dispose();
	}

	/**
	 * Announces that the manager is about to stop a version's container.
	 * @param name service name
	 * @param version service version
	 */
	void expectStop(String name, String version) {
		Instant now = Instant.now();
		this.expected.values().removeIf((until) -> until.isBefore(now));
		this.expected.put(ContainerStateCache.key(name, version), now.plus(EXPECTED_FOR));
	}

	private void seen(ContainerEvent event) {
		try {
			check(event);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not check a container event: " + ex.getMessage());
		}
	}

	private void check(ContainerEvent event) {
		if (!event.died()) {
			return;
		}
		// an announced stop is used up by its one stop, so the map holds only stops under
		// way
		Instant until = this.expected.remove(ContainerStateCache.key(event.name(), event.version()));
		if (until != null && until.isAfter(Instant.now())) {
			return;
		}
		boolean stored = this.store.current()
			.stream()
			.anyMatch((row) -> row.name().equals(event.name()) && row.version().equals(event.version()));
		if (!stored) {
			return;
		}
		String message = "Service " + event.name() + " " + event.version() + " stopped unexpectedly"
				+ ((event.exitCode() != null) ? " (exit code " + event.exitCode() + ")" : "");
		logger.warn(message);
		ManagerNotifier manager = this.notifier.getIfAvailable();
		if (manager != null) {
			manager.raise(Notification.Severity.WARNING, message);
		}
	}

}
