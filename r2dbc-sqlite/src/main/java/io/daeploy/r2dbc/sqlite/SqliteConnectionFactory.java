package io.daeploy.r2dbc.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteConnection;
import reactor.core.publisher.Mono;

/**
 * Opens {@link SqliteConnection}s to one database file. Each connection is a sqlite-jdbc
 * connection with a thread of its own (see the README's threading model); put an
 * {@code io.r2dbc:r2dbc-pool} {@code ConnectionPool} on top to reuse them.
 */
public final class SqliteConnectionFactory implements ConnectionFactory {

	private final SqliteConnectionConfiguration configuration;

	public SqliteConnectionFactory(SqliteConnectionConfiguration configuration) {
		if (configuration == null) {
			throw new IllegalArgumentException("configuration must not be null");
		}
		this.configuration = configuration;
	}

	public SqliteConnectionConfiguration getConfiguration() {
		return this.configuration;
	}

	@Override
	public Mono<SqliteConnection> create() {
		return Mono.defer(() -> {
			JdbcThread thread = new JdbcThread();
			return thread.call(() -> new SqliteConnection(open(), thread, this.configuration))
				.doOnError((ex) -> thread.shutdown())
				.doOnDiscard(SqliteConnection.class, (connection) -> connection.close().subscribe());
		});
	}

	private SQLiteConnection open() {
		Path path = this.configuration.getPath();
		String url = "jdbc:sqlite:" + path;
		try {
			Path parent = path.getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			SQLiteConfig config = new SQLiteConfig();
			config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, this.configuration.getBusyTimeout().toMillis()));
			config.setJournalMode(SQLiteConfig.JournalMode.valueOf(this.configuration.getJournalMode().name()));
			config.enforceForeignKeys(this.configuration.isForeignKeys());
			config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(this.configuration.getSynchronous().name()));
			// generated keys come from RETURNING; without this sqlite-jdbc runs
			// "SELECT last_insert_rowid()" after every INSERT
			config.setGetGeneratedKeys(false);
			return openWaiting(config, url);
		}
		catch (SQLException ex) {
			throw SqliteExceptions.translate(ex, null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new R2dbcNonTransientResourceException("Interrupted while opening " + path, ex);
		}
		catch (IOException ex) {
			throw new R2dbcNonTransientResourceException("Cannot create the directory of " + path, ex);
		}
	}

	/**
	 * Opens, trying again while the database is busy, up to the busy timeout. Opening
	 * runs the pragmas (the journal mode among them), and SQLite may answer one of them
	 * SQLITE_BUSY at once, without its busy handler, when another connection holds a lock
	 * (for example while the first opens on a new file switch it to WAL and others
	 * already write). CI met it as "Failed to obtain R2DBC Connection" under load.
	 */
	private SQLiteConnection openWaiting(SQLiteConfig config, String url) throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + this.configuration.getBusyTimeout().toNanos();
		long pauseMillis = 5;
		while (true) {
			try {
				return (SQLiteConnection) config.createConnection(url);
			}
			catch (SQLException ex) {
				if (!isBusy(ex) || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) > deadline) {
					throw ex;
				}
				Thread.sleep(pauseMillis);
				pauseMillis = Math.min(100, pauseMillis * 2);
			}
		}
	}

	static boolean isBusy(SQLException ex) {
		int primary = ex.getErrorCode() & 0xff;
		return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
	}

	@Override
	public ConnectionFactoryMetadata getMetadata() {
		return SqliteConnectionFactoryMetadata.INSTANCE;
	}

	@Override
	public String toString() {
		return "SqliteConnectionFactory[" + this.configuration.getPath() + "]";
	}

}
