package io.daeploy.manager.audit;

import java.time.Instant;
import java.util.List;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * The audit log: every mutation, who called it, with what, and how it ended.
 */
@Service
public class AuditLog {

	private final DatabaseClient db;

	AuditLog(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Records one act. Also used by the REST endpoints (sign-in, sign-out, the SDK's
	 * notifications), which pass arguments already without secrets.
	 * @param at when
	 * @param actor who
	 * @param action what, e.g. {@code deployService} or {@code POST /auth/login}
	 * @param arguments with what, as JSON without secrets
	 * @param outcome {@code OK} or the error code
	 * @return completion
	 */
	public Mono<Void> record(Instant at, String actor, String action, String arguments, String outcome) {
		return this.db
			.sql("INSERT INTO audit_log (at, actor, action, arguments, outcome) "
					+ "VALUES (:at, :actor, :action, :arguments, :outcome)")
			.bind("at", at.toString())
			.bind("actor", actor)
			.bind("action", action)
			.bind("arguments", arguments)
			.bind("outcome", outcome)
			.then();
	}

	/**
	 * A page of entries, newest first.
	 * @param first at most this many
	 * @param before only entries older than this id, or {@code null}
	 * @return the page
	 */
	@PreAuthorize("hasRole('ADMIN')")
	public Mono<Page> entries(int first, Long before) {
		int limit = Math.max(1, Math.min(first, 500));
		return this.db
			.sql("SELECT id, at, actor, action, arguments, outcome FROM audit_log WHERE id < :before "
					+ "ORDER BY id DESC LIMIT :limit")
			.bind("before", (before != null) ? before : Long.MAX_VALUE)
			.bind("limit", limit + 1)
			.map(AuditLog::entry)
			.all()
			.collectList()
			.map((rows) -> new Page(rows.subList(0, Math.min(limit, rows.size())), rows.size() > limit));
	}

	private static AuditEntry entry(Readable row) {
		return new AuditEntry(row.get("id", Long.class), Instant.parse(row.get("at", String.class)),
				row.get("actor", String.class), row.get("action", String.class), row.get("arguments", String.class),
				row.get("outcome", String.class));
	}

	/**
	 * A page of the audit log.
	 *
	 * @param entries the entries, newest first
	 * @param hasMore whether older entries exist
	 */
	public record Page(List<AuditEntry> entries, boolean hasMore) {
	}

}
