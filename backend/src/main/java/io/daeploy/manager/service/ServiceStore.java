package io.daeploy.manager.service;

import java.time.Instant;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code services} table.
 */
@Repository
class ServiceStore {

	private static final String COLUMNS = "id, name, version, image, port, main, spec, created_at, token_id";

	private final DatabaseClient db;

	private final JsonMapper json;

	ServiceStore(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	Flux<ServiceRecord> findAll() {
		return this.db.sql("SELECT " + COLUMNS + " FROM services ORDER BY name, created_at, id")
			.map(this::record)
			.all();
	}

	Flux<ServiceRecord> findByName(String name) {
		return this.db.sql("SELECT " + COLUMNS + " FROM services WHERE name = :name ORDER BY created_at, id")
			.bind("name", name)
			.map(this::record)
			.all();
	}

	Mono<ServiceRecord> find(String name, String version) {
		return this.db.sql("SELECT " + COLUMNS + " FROM services WHERE name = :name AND version = :version")
			.bind("name", name)
			.bind("version", version)
			.map(this::record)
			.one();
	}

	/**
	 * Stores a new service version. It becomes main when its name has no main version
	 * yet; the check and the insert are one statement, so concurrent deploys of one name
	 * get one main.
	 * @param service the version to store; its {@code id} and {@code main} are ignored
	 * @return the stored version
	 */
	Mono<ServiceRecord> insert(ServiceRecord service) {
		DatabaseClient.GenericExecuteSpec insert = this.db
			.sql("INSERT INTO services (name, version, image, port, main, spec, created_at, token_id) "
					+ "VALUES (:name, :version, :image, :port, "
					+ "NOT EXISTS (SELECT 1 FROM services WHERE name = :name AND main = 1), :spec, :createdAt, :token) "
					+ "RETURNING " + COLUMNS)
			.bind("name", service.name())
			.bind("version", service.version())
			.bind("image", service.image())
			.bind("port", service.port())
			.bind("spec", this.json.writeValueAsString(service.spec()))
			.bind("createdAt", service.createdAt().toString());
		insert = (service.tokenId() != null) ? insert.bind("token", service.tokenId())
				: insert.bindNull("token", String.class);
		return insert.map(this::record).one();
	}

	Mono<Void> updateToken(long id, String tokenId) {
		return this.db.sql("UPDATE services SET token_id = :token WHERE id = :id")
			.bind("token", tokenId)
			.bind("id", id)
			.then();
	}

	Mono<Boolean> delete(String name, String version) {
		return this.db.sql("DELETE FROM services WHERE name = :name AND version = :version")
			.bind("name", name)
			.bind("version", version)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	Mono<Long> countByImage(String image) {
		return this.db.sql("SELECT COUNT(*) AS n FROM services WHERE image = :image")
			.bind("image", image)
			.map((row) -> row.get("n", Long.class))
			.one();
	}

	private ServiceRecord record(Readable row) {
		return new ServiceRecord(row.get("id", Long.class), row.get("name", String.class),
				row.get("version", String.class), row.get("image", String.class), row.get("port", Integer.class),
				Boolean.TRUE.equals(row.get("main", Boolean.class)),
				this.json.readValue(row.get("spec", String.class), DeploySpec.class),
				Instant.parse(row.get("created_at", String.class)), row.get("token_id", String.class));
	}

}
