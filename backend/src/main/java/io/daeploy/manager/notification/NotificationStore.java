package io.daeploy.manager.notification;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.daeploy.manager.notification.Notification.Severity;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code notifications} table. Unlike services, notifications are not held in memory:
 * there can be many, and pages with filters are what SQLite is for. A raise is one UPSERT
 * statement that counts it and decides whether its e-mail is due, so concurrent raises of
 * the same notification never lose a count or mail twice inside one freeze window.
 */
@Repository
class NotificationStore {

	private static final String COLUMNS = "id, service_name, service_version, message, severity, dashboard, emails, "
			+ "timer, counter, first_raised_at, last_raised_at, frozen_until, mailed_counter";

	/**
	 * Whether the e-mail of a repeat is due, in terms of the stored row (the old values)
	 * and the repeat ({@code excluded}): recipients given, and no freeze window or a
	 * passed one.
	 */
	private static final String DUE = "(excluded.emails <> '[]' AND (timer = 0 OR frozen_until IS NULL "
			+ "OR frozen_until <= excluded.last_raised_at))";

	private static final String UPSERT = "INSERT INTO notifications (dedupe_key, service_name, service_version, "
			+ "message, severity, dashboard, emails, timer, counter, first_raised_at, last_raised_at, frozen_until, "
			+ "mailed_counter) VALUES (:key, :name, :version, :message, :severity, :dashboard, :emails, :timer, 1, "
			+ ":now, :now, :frozen, :mailed) " + "ON CONFLICT (dedupe_key) DO UPDATE SET counter = counter + 1, "
			+ "last_raised_at = CASE WHEN excluded.last_raised_at > last_raised_at THEN excluded.last_raised_at "
			+ "ELSE last_raised_at END, emails = excluded.emails, " + "frozen_until = CASE WHEN " + DUE
			+ " AND timer > 0 THEN :frozenAt ELSE frozen_until END, " + "mailed_counter = CASE WHEN " + DUE
			+ " THEN counter + 1 ELSE mailed_counter END " + "RETURNING " + COLUMNS;

	private final DatabaseClient db;

	private final JsonMapper json;

	NotificationStore(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/**
	 * Stores one raise: a new notification with counter 1, or a repeat of the one with
	 * the same key, whose counter goes up and whose {@code lastRaisedAt} moves to
	 * {@code now}. When the raise's e-mail is due and the timer is not 0, the freeze
	 * window starts again at {@code now}.
	 * @param key the dedupe key
	 * @param raise the raised notification; its id, counter and times are ignored
	 * @param now the time of the raise
	 * @return the stored notification and whether this raise's e-mail is due
	 */
	Mono<Raised> raise(String key, Notification raise, Instant now) {
		boolean mail = !raise.emails().isEmpty();
		Instant frozenAt = now.plusSeconds(raise.timer());
		DatabaseClient.GenericExecuteSpec upsert = this.db.sql(UPSERT)
			.bind("key", key)
			.bind("name", raise.serviceName())
			.bind("version", raise.serviceVersion())
			.bind("message", raise.message())
			.bind("severity", raise.severity().name())
			.bind("dashboard", raise.dashboard() ? 1 : 0)
			.bind("emails", this.json.writeValueAsString(raise.emails()))
			.bind("timer", raise.timer())
			.bind("now", now)
			.bind("frozenAt", frozenAt)
			.bind("mailed", mail ? 1 : 0);
		upsert = (mail && raise.timer() > 0) ? upsert.bind("frozen", frozenAt)
				: upsert.bindNull("frozen", Instant.class);
		return upsert
			.map((row) -> new Raised(notification(row),
					row.get("mailed_counter", Integer.class).equals(row.get("counter", Integer.class))))
			.one();
	}

	/**
	 * Notifications, most recently raised first.
	 * @param limit at most this many
	 * @param before only those raised before this one (by last raise, then id), or
	 * {@code null}
	 * @param severities only these, or all when {@code null} or empty
	 * @param serviceName only this service's, or all when {@code null}
	 * @return the notifications, or an empty flux when {@code before} does not exist
	 */
	Flux<Notification> find(int limit, Notification before, Set<Severity> severities, String serviceName) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM notifications WHERE 1 = 1");
		if (before != null) {
			sql.append(" AND (last_raised_at < :beforeAt OR (last_raised_at = :beforeAt AND id < :beforeId))");
		}
		if (severities != null && !severities.isEmpty()) {
			// enum names only: nothing from the caller reaches the SQL text
			sql.append(severities.stream()
				.map((severity) -> "'" + severity.name() + "'")
				.collect(Collectors.joining(", ", " AND severity IN (", ")")));
		}
		if (serviceName != null) {
			sql.append(" AND service_name = :service");
		}
		sql.append(" ORDER BY last_raised_at DESC, id DESC LIMIT :limit");
		DatabaseClient.GenericExecuteSpec select = this.db.sql(sql.toString()).bind("limit", limit);
		if (before != null) {
			select = select.bind("beforeAt", before.lastRaisedAt()).bind("beforeId", before.id());
		}
		if (serviceName != null) {
			select = select.bind("service", serviceName);
		}
		return select.map(this::notification).all();
	}

	Mono<Notification> find(long id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM notifications WHERE id = :id")
			.bind("id", id)
			.map(this::notification)
			.one();
	}

	Mono<Boolean> delete(long id) {
		return this.db.sql("DELETE FROM notifications WHERE id = :id")
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/**
	 * Deletes every notification, or one service's.
	 * @param serviceName the service, or {@code null} for all
	 * @return how many were deleted
	 */
	Mono<Long> clear(String serviceName) {
		DatabaseClient.GenericExecuteSpec delete = (serviceName != null)
				? this.db.sql("DELETE FROM notifications WHERE service_name = :service").bind("service", serviceName)
				: this.db.sql("DELETE FROM notifications");
		return delete.fetch().rowsUpdated();
	}

	private Notification notification(Readable row) {
		return new Notification(row.get("id", Long.class), row.get("service_name", String.class),
				row.get("service_version", String.class), row.get("message", String.class),
				Severity.valueOf(row.get("severity", String.class)),
				Boolean.TRUE.equals(row.get("dashboard", Boolean.class)),
				List.of(this.json.readValue(row.get("emails", String.class), String[].class)),
				row.get("timer", Integer.class), row.get("counter", Integer.class),
				row.get("first_raised_at", Instant.class), row.get("last_raised_at", Instant.class),
				row.get("frozen_until", Instant.class));
	}

	/**
	 * One stored raise.
	 *
	 * @param notification the notification as stored after it
	 * @param emailDue whether its e-mail is due
	 */
	record Raised(Notification notification, boolean emailDue) {
	}

}
