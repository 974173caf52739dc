package io.daeploy.manager.licence;

import java.time.Instant;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code licence} table (one row at most), and the counts the licence's limits are
 * checked against, read straight from the {@code services} and {@code users} tables so
 * the licence needs nothing of those features.
 */
@Repository
class LicenceStore {

	private final DatabaseClient db;

	LicenceStore(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * The activated licence key, as stored.
	 * @return the row, or empty when none was ever activated
	 */
	Mono<Row> load() {
		return this.db.sql("SELECT licence_key, activated_at, warned_days FROM licence WHERE id = 1")
			.map((row) -> new Row(row.get("licence_key", String.class),
					Instant.parse(row.get("activated_at", String.class)), row.get("warned_days", Integer.class)))
			.one();
	}

	/**
	 * Stores a licence key, replacing the one before. Activating the key already stored
	 * again keeps the warnings it had, so they are not raised twice.
	 * @param key the verified key
	 * @param activatedAt when
	 * @return the row as stored
	 */
	Mono<Row> save(String key, Instant activatedAt) {
		return this.db.sql("""
				INSERT INTO licence (id, licence_key, activated_at, warned_days) VALUES (1, :key, :at, NULL)
				ON CONFLICT (id) DO UPDATE SET licence_key = excluded.licence_key,
				    activated_at = excluded.activated_at,
				    warned_days = CASE WHEN licence.licence_key = excluded.licence_key
				                       THEN licence.warned_days ELSE NULL END
				RETURNING licence_key, activated_at, warned_days""")
			.bind("key", key)
			.bind("at", activatedAt.toString())
			.map((row) -> new Row(row.get("licence_key", String.class),
					Instant.parse(row.get("activated_at", String.class)), row.get("warned_days", Integer.class)))
			.one();
	}

	/**
	 * Notes that the warning for {@code days} before expiry was raised for this key,
	 * unless it (or a later one) already was: decided in one statement, so two checks at
	 * once, or a check after a restart, never both raise it.
	 * @param key the key warned about
	 * @param days the warning's threshold
	 * @return whether this call noted it (and so should raise it)
	 */
	Mono<Boolean> markWarned(String key, int days) {
		return this.db
			.sql("UPDATE licence SET warned_days = :days WHERE id = 1 AND licence_key = :key "
					+ "AND (warned_days IS NULL OR warned_days > :days)")
			.bind("days", days)
			.bind("key", key)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/**
	 * How many distinct services are deployed.
	 * @return the count
	 */
	Mono<Long> countServices() {
		return this.db.sql("SELECT COUNT(DISTINCT name) AS n FROM services")
			.map((row) -> row.get("n", Long.class))
			.one();
	}

	/**
	 * Whether a service of this name is deployed (in any version).
	 * @param name the name
	 * @return whether it is
	 */
	Mono<Boolean> serviceExists(String name) {
		return this.db.sql("SELECT COUNT(*) AS n FROM services WHERE name = :name")
			.bind("name", name)
			.map((row) -> row.get("n", Long.class) > 0)
			.one();
	}

	/**
	 * How many users exist, the admin included.
	 * @return the count
	 */
	Mono<Long> countUsers() {
		return this.db.sql("SELECT COUNT(*) AS n FROM users").map((row) -> row.get("n", Long.class)).one();
	}

	/**
	 * The stored licence row.
	 *
	 * @param key the licence key as activated
	 * @param activatedAt when it was activated
	 * @param warnedDays the smallest expiry warning raised for it, or {@code null}
	 */
	record Row(String key, Instant activatedAt, Integer warnedDays) {
	}

}
