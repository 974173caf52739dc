package io.daeploy.r2dbc.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SqliteConnectionFactory} opens connections. Build one with
 * {@link #builder()}:
 *
 * <pre class="code">
 * SqliteConnectionConfiguration configuration = SqliteConnectionConfiguration.builder()
 * 	.path(Path.of("/var/lib/daeploy/daeploy.db"))
 * 	.busyTimeout(Duration.ofSeconds(5))
 * 	.build();
 * ConnectionFactory connectionFactory = new SqliteConnectionFactory(configuration);
 * </pre>
 *
 * Every connection runs {@code PRAGMA journal_mode}, {@code busy_timeout},
 * {@code foreign_keys} and {@code synchronous} with these values when it opens.
 */
public final class SqliteConnectionConfiguration {

	/**
	 * Default time a statement waits for another connection's lock before failing with
	 * SQLITE_BUSY.
	 */
	public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofMillis(5000);

	private final Path path;

	private final Duration busyTimeout;

	private final JournalMode journalMode;

	private final boolean foreignKeys;

	private final Synchronous synchronous;

	private final TransactionMode transactionMode;

	private final Duration statementTimeout;

	private SqliteConnectionConfiguration(Builder builder) {
		this.path = Objects.requireNonNull(builder.path, "path must be set");
		this.busyTimeout = builder.busyTimeout;
		this.journalMode = builder.journalMode;
		this.foreignKeys = builder.foreignKeys;
		this.synchronous = builder.synchronous;
		this.transactionMode = builder.transactionMode;
		this.statementTimeout = builder.statementTimeout;
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The database file, made absolute. Missing parent directories are created when the
	 * first connection opens.
	 * @return the database file
	 */
	public Path getPath() {
		return this.path;
	}

	/**
	 * How long a statement waits for a lock held by another connection
	 * ({@code PRAGMA busy_timeout}).
	 * @return the busy timeout, 5 seconds by default
	 */
	public Duration getBusyTimeout() {
		return this.busyTimeout;
	}

	/**
	 * {@code PRAGMA journal_mode}.
	 * @return the journal mode, {@link JournalMode#WAL} by default
	 */
	public JournalMode getJournalMode() {
		return this.journalMode;
	}

	/**
	 * {@code PRAGMA foreign_keys}.
	 * @return whether foreign keys are enforced, {@code true} by default
	 */
	public boolean isForeignKeys() {
		return this.foreignKeys;
	}

	/**
	 * {@code PRAGMA synchronous}.
	 * @return the sync mode, {@link Synchronous#NORMAL} by default (safe from corruption
	 * in WAL mode; a power loss may lose the last commits)
	 */
	public Synchronous getSynchronous() {
		return this.synchronous;
	}

	/**
	 * How transactions begin. Read-only transactions always begin DEFERRED.
	 * @return the transaction mode, {@link TransactionMode#IMMEDIATE} by default
	 */
	public TransactionMode getTransactionMode() {
		return this.transactionMode;
	}

	/**
	 * How long one statement may run before it is interrupted.
	 * @return the statement timeout, {@link Duration#ZERO} (none) by default
	 */
	public Duration getStatementTimeout() {
		return this.statementTimeout;
	}

	@Override
	public String toString() {
		return "SqliteConnectionConfiguration[path=" + this.path + ", busyTimeout=" + this.busyTimeout
				+ ", journalMode=" + this.journalMode + ", foreignKeys=" + this.foreignKeys + ", synchronous="
				+ this.synchronous + ", transactionMode=" + this.transactionMode + ", statementTimeout="
				+ this.statementTimeout + "]";
	}

	/**
	 * {@code PRAGMA journal_mode} values.
	 */
	public enum JournalMode {

		DELETE, TRUNCATE, PERSIST, MEMORY, WAL, OFF

	}

	/**
	 * {@code PRAGMA synchronous} values.
	 */
	public enum Synchronous {

		OFF, NORMAL, FULL

	}

	/**
	 * How {@code BEGIN} takes locks.
	 */
	public enum TransactionMode {

		/**
		 * No lock until the first read or write. A transaction that reads and then writes
		 * fails with SQLITE_BUSY when another connection wrote in between.
		 */
		DEFERRED,

		/**
		 * The write lock at {@code BEGIN}, waiting up to the busy timeout for it: write
		 * transactions run one after the other and never fail on upgrade. Readers are not
		 * blocked in WAL mode.
		 */
		IMMEDIATE,

		/**
		 * Like IMMEDIATE; in rollback-journal modes it also keeps readers out.
		 */
		EXCLUSIVE

	}

	/**
	 * Builds a {@link SqliteConnectionConfiguration}; only the path is required.
	 */
	public static final class Builder {

		private Path path;

		private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;

		private JournalMode journalMode = JournalMode.WAL;

		private boolean foreignKeys = true;

		private Synchronous synchronous = Synchronous.NORMAL;

		private TransactionMode transactionMode = TransactionMode.IMMEDIATE;

		private Duration statementTimeout = Duration.ZERO;

		private Builder() {
		}

		/**
		 * The database file; a relative path is resolved against the working directory.
		 * @param path the database file
		 * @return this builder
		 */
		public Builder path(Path path) {
			this.path = Objects.requireNonNull(path, "path must not be null").toAbsolutePath().normalize();
			return this;
		}

		public Builder path(String path) {
			return path(Path.of(Objects.requireNonNull(path, "path must not be null")));
		}

		public Builder busyTimeout(Duration busyTimeout) {
			this.busyTimeout = requireNotNegative(busyTimeout, "busyTimeout");
			return this;
		}

		public Builder journalMode(JournalMode journalMode) {
			this.journalMode = Objects.requireNonNull(journalMode, "journalMode must not be null");
			return this;
		}

		public Builder foreignKeys(boolean foreignKeys) {
			this.foreignKeys = foreignKeys;
			return this;
		}

		public Builder synchronous(Synchronous synchronous) {
			this.synchronous = Objects.requireNonNull(synchronous, "synchronous must not be null");
			return this;
		}

		public Builder transactionMode(TransactionMode transactionMode) {
			this.transactionMode = Objects.requireNonNull(transactionMode, "transactionMode must not be null");
			return this;
		}

		public Builder statementTimeout(Duration statementTimeout) {
			this.statementTimeout = requireNotNegative(statementTimeout, "statementTimeout");
			return this;
		}

		public SqliteConnectionConfiguration build() {
			return new SqliteConnectionConfiguration(this);
		}

		private static Duration requireNotNegative(Duration duration, String name) {
			Objects.requireNonNull(duration, name + " must not be null");
			if (duration.isNegative()) {
				throw new IllegalArgumentException(name + " must not be negative");
			}
			return duration;
		}

	}

}
