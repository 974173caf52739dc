package io.daeploy.manager.original;

import java.util.List;

import io.daeploy.manager.service.OriginalContainers;
import io.daeploy.manager.service.StartupRepair;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * After an import, once the engine answers: takes over the original's containers of the
 * imported service versions, before reconciliation re-creates them as this manager's.
 * Done once; a version whose container is gone is re-created from its image by
 * reconciliation as any lost container is.
 */
@Component
class OriginalAdoption implements StartupRepair {

	private static final Log logger = LogFactory.getLog(OriginalAdoption.class);

	private final DatabaseClient db;

	private final OriginalContainers containers;

	private final JsonMapper json = JsonMapper.builder().build();

	OriginalAdoption(DatabaseClient db, OriginalContainers containers) {
		this.db = db;
		this.containers = containers;
	}

	@Override
	public Mono<Void> repair() {
		return this.db.sql("SELECT value FROM config WHERE key = :key")
			.bind("key", OriginalImport.PENDING_KEY)
			.map((row) -> row.get("value", String.class))
			.one()
			.flatMap((pending) -> {
				List<String> versions = this.json.readValue(pending, new TypeReference<List<String>>() {
				});
				return Flux.fromIterable(versions).concatMap((version) -> {
					String[] parts = version.split(" ", 2);
					return this.containers.takeOver(parts[0], parts[1]).onErrorResume((ex) -> {
						logger.error("Could not take over the original's container of " + version + ": "
								+ ex.getMessage() + "; it is re-created from its image");
						return Mono.just(false);
					});
				})
					.then(this.db.sql("DELETE FROM config WHERE key = :key")
						.bind("key", OriginalImport.PENDING_KEY)
						.then());
			});
	}

}
