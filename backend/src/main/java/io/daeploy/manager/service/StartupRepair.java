package io.daeploy.manager.service;

import reactor.core.publisher.Mono;

/**
 * A repair that runs once the runtime answers after a start, before the store and the
 * runtime are reconciled: e.g. removing the containers and rows of deploys a crash
 * interrupted, which reconciliation would otherwise adopt or re-create. Implemented by
 * the parts that drive service versions, which this package does not know.
 */
public interface StartupRepair {

	/**
	 * Repairs.
	 * @return completion; a failure is logged and reconciliation goes on
	 */
	Mono<Void> repair();

}
