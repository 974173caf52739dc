package io.daeploy.manager.hostile;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.sqlite.SQLiteConfig;

/**
 * What the manager has stored, read straight from its SQLite file over a read-only
 * connection of the test's own (WAL lets it read beside the manager's writer): services,
 * users, tokens of every user, notifications, settings and the audit log's entries. What
 * changes by itself is left out: a token's {@code last_used_at}, and the manager's own
 * notifications (raised when a container it runs stops, say).
 */
final class StoreSnapshot implements AutoCloseable {

	private static final Map<String, String> TABLES = Map.of("services",
			"SELECT id, name, version, image, port, main, spec, created_at, token_id FROM services ORDER BY id",
			"users", "SELECT id, username, password_hash, role, created_at FROM users ORDER BY id", "tokens",
			"SELECT id, kind, user_id, subject, role, name, issued_at, expires_at FROM tokens ORDER BY id",
			"notifications",
			"SELECT id, dedupe_key, service_name, service_version, message, severity, dashboard, emails, timer, "
					+ "counter, first_raised_at, last_raised_at, frozen_until, mailed_counter FROM notifications "
					+ "WHERE service_name <> 'Manager' ORDER BY id",
			"config", "SELECT key, value FROM config ORDER BY key");

	private final Connection connection;

	StoreSnapshot(Path database) throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		config.setReadOnly(true);
		config.setBusyTimeout(10_000);
		this.connection = DriverManager.getConnection("jdbc:sqlite:" + database, config.toProperties());
	}

	/**
	 * The stored state now.
	 * @return rows per table, in key order
	 */
	State take() {
		try {
			this.connection.setAutoCommit(false);
			Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
			for (String table : List.of("services", "users", "tokens", "notifications", "config")) {
				tables.put(table, rows(TABLES.get(table)));
			}
			long lastAudit = ((Number) rows("SELECT COALESCE(MAX(id), 0) FROM audit_log").get(0).get(0)).longValue();
			this.connection.commit();
			return new State(tables, lastAudit);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the manager's store", ex);
		}
	}

	/**
	 * The audit entries after a given id.
	 * @param after the id of the last entry seen
	 * @return the entries, oldest first: id, actor, action, outcome
	 */
	List<List<Object>> auditAfter(long after) {
		try {
			this.connection.setAutoCommit(true);
			return rows("SELECT id, actor, action, outcome FROM audit_log WHERE id > " + after + " ORDER BY id");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the audit log", ex);
		}
	}

	private List<List<Object>> rows(String sql) throws SQLException {
		List<List<Object>> rows = new ArrayList<>();
		try (Statement statement = this.connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			int columns = result.getMetaData().getColumnCount();
			while (result.next()) {
				List<Object> row = new ArrayList<>(columns);
				for (int i = 1; i <= columns; i++) {
					row.add(result.getObject(i));
				}
				rows.add(row);
			}
		}
		return rows;
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

	/**
	 * The stored state at one moment.
	 *
	 * @param tables rows per table, audit log excepted
	 * @param lastAuditId the id of the audit log's newest entry
	 */
	record State(Map<String, List<List<Object>>> tables, long lastAuditId) {

		/**
		 * What differs from an earlier state, audit log excepted.
		 * @param before the earlier state
		 * @return one line per changed table, empty when nothing changed
		 */
		List<String> differencesFrom(State before) {
			List<String> differences = new ArrayList<>();
			this.tables.forEach((table, rows) -> {
				List<List<Object>> old = before.tables.get(table);
				if (!Objects.equals(old, rows)) {
					List<List<Object>> added = new ArrayList<>(rows);
					added.removeAll(old);
					List<List<Object>> removed = new ArrayList<>(old);
					removed.removeAll(rows);
					differences.add(table + ": added " + shorten(added) + ", removed " + shorten(removed));
				}
			});
			return differences;
		}

		private static String shorten(Object value) {
			String text = String.valueOf(value);
			return (text.length() > 400) ? text.substring(0, 400) + "..." : text;
		}

	}

}
