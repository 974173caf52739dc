package io.daeploy.manager.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The {@code services} table, with every row also held in memory: the manager is the
 * table's only writer, so reads (every services list) are served from memory and only
 * writes go to SQLite, memory being updated once the write is stored, and then the change
 * published on {@link #changes()}.
 */
@Repository
class ServiceStore {

	private static final String COLUMNS = "id, name, version, image, port, main, spec, created_at, token_id";

	private static final Comparator<ServiceRecord> ORDER = Comparator.comparing(ServiceRecord::name)
		.thenComparing(ServiceRecord::createdAt)
		.thenComparing(ServiceRecord::id);

	private final DatabaseClient db;

	private final JsonMapper json;

	private final TransactionalOperator transactions;

	private final Map<Long, ServiceRecord> rows = new ConcurrentHashMap<>();

	private final Mono<Void> loaded;

	private final Sinks.Many<Change> changes = Sinks.many().multicast().directBestEffort();

	ServiceStore(DatabaseClient db, JsonMapper json, ReactiveTransactionManager transactionManager) {
		this.transactions = TransactionalOperator.create(transactionManager);
		this.db = db;
		this.json = json;
		this.loaded = Mono
			.defer(() -> this.db.sql("SELECT " + COLUMNS + " FROM services")
				.map(this::record)
				.all()
				.doOnNext((row) -> this.rows.put(row.id(), row))
				.then())
			.cache();
	}

	Flux<ServiceRecord> findAll() {
		return this.loaded.thenMany(Flux.defer(() -> Flux.fromIterable(sorted())));
	}

	Flux<ServiceRecord> findByName(String name) {
		return findAll().filter((row) -> row.name().equals(name));
	}

	Mono<ServiceRecord> find(String name, String version) {
		return findAll().filter((row) -> row.name().equals(name) && row.version().equals(version)).next();
	}

	/**
	 * Every change of the stored versions, emitted once it is stored and in memory.
	 * Subscribers are called on the thread that made the change and must not block.
	 * @return the changes, from the moment of subscription
	 */
	Flux<Change> changes() {
		return this.changes.asFlux();
	}

	/**
	 * The stored versions as they are now, without waiting for the first load.
	 * @return the versions, ordered by name then deployment time; empty before the load
	 */
	List<ServiceRecord> current() {
		return sorted();
	}

	private void changed(Change change) {
		synchronized (this.changes) {
			this.changes.tryEmitNext(change);
		}
	}

	private List<ServiceRecord> sorted() {
		List<ServiceRecord> all = new ArrayList<>(this.rows.values());
		all.sort(ORDER);
		return all;
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
		return this.loaded.then(insert.map(this::record).one()).doOnNext((row) -> {
			this.rows.put(row.id(), row);
			changed(new Change(Change.Kind.INSERTED, row.name(), row.version(), null));
		});
	}

	Mono<Void> updateToken(long id, String tokenId) {
		return this.loaded
			.then(this.db.sql("UPDATE services SET token_id = :token WHERE id = :id")
				.bind("token", tokenId)
				.bind("id", id)
				.then())
			.then(Mono.fromRunnable(() -> this.rows.computeIfPresent(id, (key, row) -> row.withTokenId(tokenId))));
	}

	Mono<Void> updateOptions(long id, int port, DeploySpec spec) {
		return this.loaded
			.then(this.db.sql("UPDATE services SET port = :port, spec = :spec WHERE id = :id")
				.bind("port", port)
				.bind("spec", this.json.writeValueAsString(spec))
				.bind("id", id)
				.then())
			.then(Mono.fromRunnable(() -> this.rows.computeIfPresent(id, (key, row) -> row.withOptions(port, spec))));
	}

	Mono<Boolean> delete(String name, String version) {
		return this.loaded
			.then(this.db.sql("DELETE FROM services WHERE name = :name AND version = :version")
				.bind("name", name)
				.bind("version", version)
				.fetch()
				.rowsUpdated())
			.map((count) -> this.rows.values()
				.removeIf((row) -> row.name().equals(name) && row.version().equals(version)))
			.doOnNext((removed) -> {
				if (removed) {
					changed(new Change(Change.Kind.DELETED, name, version, null));
				}
			});
	}

	/**
	 * Makes one version of a service its main version, in one transaction.
	 * @param name service name
	 * @param version the version to make main
	 * @return completion
	 */
	Mono<Void> assignMain(String name, String version) {
		Mono<Void> clear = this.db.sql("UPDATE services SET main = 0 WHERE name = :name AND main = 1")
			.bind("name", name)
			.then();
		Mono<Void> set = this.db.sql("UPDATE services SET main = 1 WHERE name = :name AND version = :version")
			.bind("name", name)
			.bind("version", version)
			.then();
		return this.loaded.then(this.transactions.transactional(clear.then(set))).then(Mono.<Void>fromRunnable(() -> {
			String previous = this.rows.values()
				.stream()
				.filter((row) -> row.name().equals(name) && row.main())
				.map(ServiceRecord::version)
				.findFirst()
				.orElse(null);
			this.rows
				.replaceAll((id, row) -> row.name().equals(name) ? row.withMain(row.version().equals(version)) : row);
			if (!version.equals(previous)) {
				changed(new Change(Change.Kind.MAIN_CHANGED, name, version, previous));
			}
		}));
	}

	Mono<Long> countByImage(String image) {
		return findAll().filter((row) -> row.image().equals(image)).count();
	}

	/**
	 * A change of the stored versions.
	 *
	 * @param kind what changed
	 * @param name service name
	 * @param version the version stored, deleted or made main
	 * @param previousMain for a main switch, the version that was main before, or
	 * {@code null}
	 */
	record Change(Kind kind, String name, String version, String previousMain) {

		enum Kind {

			INSERTED, DELETED, MAIN_CHANGED

		}

	}

	private ServiceRecord record(Readable row) {
		return new ServiceRecord(row.get("id", Long.class), row.get("name", String.class),
				row.get("version", String.class), row.get("image", String.class), row.get("port", Integer.class),
				Boolean.TRUE.equals(row.get("main", Boolean.class)),
				this.json.readValue(row.get("spec", String.class), DeploySpec.class),
				Instant.parse(row.get("created_at", String.class)), row.get("token_id", String.class));
	}

}
