package io.daeploy.manager.deployment;

import java.time.Instant;
import java.util.List;

import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.LogLine;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code deployments} table. At most one job per service version is active (not
 * ended) at a time; the database enforces it, so concurrent submissions get one job.
 */
@Repository
class DeploymentStore {

	private static final String COLUMNS = "id, kind, state, reason, code, service_name, service_version, source, "
			+ "builder_image, image, built, health_check, token_id, created_by, created_at, started_at, finished_at";

	static final String ACTIVE = "('QUEUED', 'BUILDING', 'STARTING', 'STOPPING')";

	private static final TypeReference<List<StoredLine>> LINES = new TypeReference<>() {
	};

	private final DatabaseClient db;

	private final JsonMapper json;

	DeploymentStore(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/**
	 * Stores a new deployment.
	 * @param deployment the deployment; its id is ignored
	 * @return the stored deployment; {@link ActiveJobExists} when the version has an
	 * active job already
	 */
	Mono<Deployment> insert(Deployment deployment) {
		DatabaseClient.GenericExecuteSpec insert = this.db
			.sql("INSERT INTO deployments (kind, state, service_name, service_version, source, builder_image, image, "
					+ "built, health_check, token_id, created_by, created_at) VALUES (:kind, :state, :name, :version, "
					+ ":source, :builder, :image, :built, :health, :token, :by, :at) RETURNING " + COLUMNS)
			.bind("kind", deployment.kind().name())
			.bind("state", deployment.state().name())
			.bind("name", deployment.serviceName())
			.bind("version", deployment.serviceVersion())
			.bind("source", deployment.source())
			.bind("built", deployment.built() ? 1 : 0)
			.bind("by", deployment.createdBy())
			.bind("at", deployment.createdAt().toString());
		insert = nullable(insert, "builder", deployment.builderImage());
		insert = nullable(insert, "image", deployment.image());
		insert = nullable(insert, "health",
				(deployment.healthCheck() != null) ? this.json.writeValueAsString(deployment.healthCheck()) : null);
		insert = nullable(insert, "token", deployment.tokenId());
		return insert.map(this::deployment)
			.one()
			.onErrorMap(DataIntegrityViolationException.class, (ex) -> new ActiveJobExists(ex));
	}

	/**
	 * Stores a deployment's state and facts.
	 * @param deployment the deployment as it is now
	 * @param log its last log lines, stored once it has ended; {@code null} to keep them
	 * @return completion
	 */
	Mono<Void> update(Deployment deployment, List<LogLine> log) {
		DatabaseClient.GenericExecuteSpec update = this.db.sql(
				"UPDATE deployments SET state = :state, reason = :reason, code = :code, image = :image, built = :built, "
						+ "token_id = :token, started_at = :started, finished_at = :finished"
						+ ((log != null) ? ", log_tail = :log" : "") + " WHERE id = :id")
			.bind("id", deployment.id())
			.bind("state", deployment.state().name())
			.bind("built", deployment.built() ? 1 : 0);
		update = nullable(update, "reason", deployment.reason());
		update = nullable(update, "code", (deployment.code() != null) ? deployment.code().name() : null);
		update = nullable(update, "image", deployment.image());
		update = nullable(update, "token", deployment.tokenId());
		update = nullable(update, "started",
				(deployment.startedAt() != null) ? deployment.startedAt().toString() : null);
		update = nullable(update, "finished",
				(deployment.finishedAt() != null) ? deployment.finishedAt().toString() : null);
		if (log != null) {
			update = update.bind("log", this.json.writeValueAsString(log.stream().map(StoredLine::of).toList()));
		}
		return update.then();
	}

	Mono<Deployment> find(long id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM deployments WHERE id = :id")
			.bind("id", id)
			.map(this::deployment)
			.one();
	}

	/**
	 * The log lines stored when a deployment ended.
	 * @param id the deployment
	 * @return the lines, oldest first; empty when none were stored
	 */
	Mono<List<LogLine>> logTail(long id) {
		return this.db.sql("SELECT log_tail FROM deployments WHERE id = :id").bind("id", id).map((row) -> {
			String text = row.get("log_tail", String.class);
			return (text != null) ? this.json.readValue(text, LINES).stream().map(StoredLine::line).toList()
					: List.<LogLine>of();
		}).one();
	}

	/**
	 * Deployments, newest first.
	 * @param limit at most this many
	 * @param before only those older than this id, or {@code null}
	 * @param serviceName only this service's, or {@code null}
	 * @return the deployments
	 */
	Flux<Deployment> page(int limit, Long before, String serviceName) {
		String where = " WHERE 1 = 1" + ((before != null) ? " AND id < :before" : "")
				+ ((serviceName != null) ? " AND service_name = :name" : "");
		DatabaseClient.GenericExecuteSpec query = this.db
			.sql("SELECT " + COLUMNS + " FROM deployments" + where + " ORDER BY id DESC LIMIT :limit")
			.bind("limit", limit);
		if (before != null) {
			query = query.bind("before", before);
		}
		if (serviceName != null) {
			query = query.bind("name", serviceName);
		}
		return query.map(this::deployment).all();
	}

	/**
	 * Deployments that have not ended.
	 * @return them, oldest first
	 */
	Flux<Deployment> active() {
		return this.db.sql("SELECT " + COLUMNS + " FROM deployments WHERE state IN " + ACTIVE + " ORDER BY id")
			.map(this::deployment)
			.all();
	}

	/**
	 * The health check of the deploy that made a version, for its later starts.
	 * @param name service name
	 * @param version service version
	 * @return the check, or empty when it has none
	 */
	Mono<HealthCheck> healthCheckOf(String name, String version) {
		return this.db
			.sql("SELECT health_check FROM deployments WHERE kind = 'DEPLOY' AND state = 'RUNNING' "
					+ "AND service_name = :name AND service_version = :version ORDER BY id DESC LIMIT 1")
			.bind("name", name)
			.bind("version", version)
			.map((row) -> {
				String text = row.get("health_check", String.class);
				return (text != null) ? this.json.readValue(text, HealthCheck.class) : NO_CHECK;
			})
			.one()
			.filter((check) -> check != NO_CHECK);
	}

	private static final HealthCheck NO_CHECK = new HealthCheck(HealthCheck.Kind.TCP, "/", 0, 0);

	private static DatabaseClient.GenericExecuteSpec nullable(DatabaseClient.GenericExecuteSpec spec, String name,
			String value) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, String.class);
	}

	private Deployment deployment(Readable row) {
		String health = row.get("health_check", String.class);
		String code = row.get("code", String.class);
		return new Deployment(row.get("id", Long.class), Deployment.Kind.valueOf(row.get("kind", String.class)),
				DeploymentState.valueOf(row.get("state", String.class)), row.get("reason", String.class),
				(code != null) ? ErrorCode.valueOf(code) : null, row.get("service_name", String.class),
				row.get("service_version", String.class), row.get("source", String.class),
				row.get("builder_image", String.class), row.get("image", String.class),
				Integer.valueOf(1).equals(row.get("built", Integer.class)),
				(health != null) ? this.json.readValue(health, HealthCheck.class) : null,
				row.get("token_id", String.class), row.get("created_by", String.class),
				instant(row.get("created_at", String.class)), instant(row.get("started_at", String.class)),
				instant(row.get("finished_at", String.class)));
	}

	private static Instant instant(String text) {
		return (text != null) ? Instant.parse(text) : null;
	}

	/**
	 * A log line as stored.
	 *
	 * @param t timestamp
	 * @param s stream
	 * @param l the line
	 * @param v level, or {@code null}
	 */
	record StoredLine(String t, String s, String l, String v) {

		static StoredLine of(LogLine line) {
			return new StoredLine(line.timestamp().toString(), line.stream().name(), line.line(), line.level());
		}

		LogLine line() {
			return new LogLine(Instant.parse(this.t), LogLine.Stream.valueOf(this.s), this.l, this.v);
		}

	}

	/**
	 * The version has an active job already.
	 */
	static final class ActiveJobExists extends RuntimeException {

		ActiveJobExists(Throwable cause) {
			super("The service version has an active deployment", cause);
		}

	}

}
