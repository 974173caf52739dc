package io.daeploy.manager.config;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Readiness of the store: a read of the schema history through the manager's own pool, so
 * a store that cannot be read (a lost file, a full pool that never frees) takes the
 * manager out of readiness.
 */
@Component("store")
class StoreHealth implements ReactiveHealthIndicator {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final DatabaseClient db;

	StoreHealth(DatabaseClient db) {
		this.db = db;
	}

	@Override
	public Mono<Health> health() {
		return this.db.sql("SELECT COUNT(*) AS migrations FROM flyway_schema_history WHERE success = 1")
			.map((row) -> row.get("migrations", Long.class))
			.one()
			.map((migrations) -> Health.up()
				.withDetail("database", "SQLite")
				.withDetail("migrations", migrations)
				.build())
			.timeout(TIMEOUT)
			.onErrorResume(
					(ex) -> Mono.just(Health.down().withDetail("error", String.valueOf(ex.getMessage())).build()));
	}

}
