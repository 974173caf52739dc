package io.daeploy.manager.service;

import io.daeploy.manager.runtime.RuntimeConnector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Takes over a container the original Daeploy made for a stored service version: its
 * deploy options (environment, command, volumes, labels, restart policy, limits) and its
 * port become the version's stored ones, then the container goes, so that reconciliation
 * re-creates it as this manager's, from the same image and with the same token id. The
 * container cannot just be kept: Docker cannot relabel a container, and this manager
 * finds its own by their labels.
 */
@Component
public class OriginalContainers {

	private static final Log logger = LogFactory.getLog(OriginalContainers.class);

	private final ServiceStore store;

	private final RuntimeConnector runtime;

	OriginalContainers(ServiceStore store, RuntimeConnector runtime) {
		this.store = store;
		this.runtime = runtime;
	}

	/**
	 * Checks a service version's name and version against this manager's rules.
	 * @param name service name
	 * @param version service version
	 * @throws io.daeploy.manager.error.DaeployException when either breaks them
	 */
	public static void check(String name, String version) {
		ServiceNames.checkName("name", name);
		ServiceNames.checkVersion("version", version);
	}

	/**
	 * Takes over the original's container of a stored version, if there is one.
	 * @param name service name
	 * @param version service version
	 * @return whether there was one to take over
	 */
	public Mono<Boolean> takeOver(String name, String version) {
		return this.store.find(name, version)
			.flatMap((row) -> this.runtime.inspectOriginal(name, version)
				.flatMap((details) -> this.store
					.updateOptions(row.id(), (details.port() > 0) ? details.port() : row.port(),
							ServiceReconciler.spec(details, this.runtime.reservedLabels()))
					.then(this.runtime.removeOriginal(name, version))
					.doOnNext((removed) -> logger.info("Took over the original's container of " + name + " " + version
							+ " (" + details.state() + "); it is re-created as this manager's"))))
			.defaultIfEmpty(false);
	}

}
