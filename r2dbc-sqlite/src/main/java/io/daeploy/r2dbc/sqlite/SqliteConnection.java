package io.daeploy.r2dbc.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteException;
import org.sqlite.core.DB;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A connection to a SQLite database over one sqlite-jdbc connection, whose calls all run
 * on the connection's own daemon thread.
 * <p>
 * Transactions are SQLite's: {@code BEGIN IMMEDIATE} by default (see
 * {@link SqliteConnectionConfiguration.TransactionMode}), {@code COMMIT},
 * {@code ROLLBACK}, and {@code SAVEPOINT}s. With auto-commit off, the first statement
 * outside a transaction begins one, which lasts until commit or rollback. SQLite
 * transactions are serializable; {@link IsolationLevel#READ_UNCOMMITTED} sets
 * {@code PRAGMA read_uncommitted}, which only matters for shared-cache connections; the
 * other levels are served by SERIALIZABLE, which gives all they promise.
 */
public final class SqliteConnection implements Connection {

	private static final TransactionDefinition NO_DEFINITION = new TransactionDefinition() {

		@Override
		public <T> T getAttribute(Option<T> option) {
			return null;
		}

	};

	private final SQLiteConnection jdbc;

	private final JdbcThread thread;

	private final SqliteConnectionConfiguration configuration;

	private final SqliteConnectionMetadata metadata;

	private final Statement control;

	private volatile boolean closed;

	private volatile boolean autoCommit = true;

	private volatile boolean inTransaction;

	/**
	 * SQLite rolled the open transaction back by itself after an error (a full disk, an
	 * interrupt, a RAISE(ROLLBACK)); the application has not ended it yet.
	 */
	private boolean transactionLost;

	private volatile IsolationLevel isolationLevel = IsolationLevel.SERIALIZABLE;

	private volatile Duration statementTimeout;

	private long busyTimeoutMillis;

	private TransactionSettings restoreAfterTransaction;

	/**
	 * Opens on the connection's thread.
	 */
	SqliteConnection(SQLiteConnection jdbc, JdbcThread thread, SqliteConnectionConfiguration configuration)
			throws SQLException {
		this.jdbc = jdbc;
		this.thread = thread;
		this.configuration = configuration;
		this.statementTimeout = configuration.getStatementTimeout();
		this.busyTimeoutMillis = configuration.getBusyTimeout().toMillis();
		try {
			this.metadata = new SqliteConnectionMetadata(jdbc.getMetaData().getDatabaseProductVersion());
			this.control = jdbc.createStatement();
		}
		catch (SQLException ex) {
			jdbc.close();
			throw ex;
		}
	}

	// ---- transactions

	@Override
	public Mono<Void> beginTransaction() {
		return beginTransaction(NO_DEFINITION);
	}

	@Override
	public Mono<Void> beginTransaction(TransactionDefinition definition) {
		if (definition == null) {
			throw new IllegalArgumentException("definition must not be null");
		}
		return run("BEGIN", () -> {
			begin(definition);
			return null;
		});
	}

	@Override
	public Mono<Void> commitTransaction() {
		return run("COMMIT", () -> {
			end(true);
			return null;
		});
	}

	@Override
	public Mono<Void> rollbackTransaction() {
		return run("ROLLBACK", () -> {
			end(false);
			return null;
		});
	}

	@Override
	public Mono<Void> createSavepoint(String name) {
		String sql = "SAVEPOINT " + quote(name);
		return run(sql, () -> {
			if (!this.inTransaction) {
				begin(NO_DEFINITION);
			}
			this.control.execute(sql);
			return null;
		});
	}

	@Override
	public Mono<Void> releaseSavepoint(String name) {
		String sql = "RELEASE SAVEPOINT " + quote(name);
		return run(sql, () -> {
			this.control.execute(sql);
			return null;
		});
	}

	@Override
	public Mono<Void> rollbackTransactionToSavepoint(String name) {
		String sql = "ROLLBACK TO SAVEPOINT " + quote(name);
		return run(sql, () -> {
			this.control.execute(sql);
			return null;
		});
	}

	@Override
	public boolean isAutoCommit() {
		return this.autoCommit && !this.inTransaction;
	}

	@Override
	public Mono<Void> setAutoCommit(boolean autoCommit) {
		return run("COMMIT", () -> {
			if (autoCommit && this.inTransaction) {
				end(true);
			}
			this.autoCommit = autoCommit;
			return null;
		});
	}

	@Override
	public IsolationLevel getTransactionIsolationLevel() {
		return this.isolationLevel;
	}

	@Override
	public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
		if (isolationLevel == null) {
			throw new IllegalArgumentException("isolationLevel must not be null");
		}
		return run("PRAGMA read_uncommitted", () -> {
			applyIsolationLevel(isolationLevel);
			return null;
		});
	}

	@Override
	public Mono<Void> setLockWaitTimeout(Duration timeout) {
		if (timeout == null || timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be null or negative");
		}
		return run("PRAGMA busy_timeout", () -> {
			setBusyTimeout(timeout.toMillis());
			return null;
		});
	}

	@Override
	public Mono<Void> setStatementTimeout(Duration timeout) {
		if (timeout == null || timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be null or negative");
		}
		return Mono.fromRunnable(() -> this.statementTimeout = timeout);
	}

	private void begin(TransactionDefinition definition) throws SQLException {
		if (this.inTransaction) {
			return;
		}
		TransactionSettings previous = new TransactionSettings(this.isolationLevel, this.busyTimeoutMillis);
		IsolationLevel isolation = definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL);
		Duration lockWaitTimeout = definition.getAttribute(TransactionDefinition.LOCK_WAIT_TIMEOUT);
		boolean readOnly = Boolean.TRUE.equals(definition.getAttribute(TransactionDefinition.READ_ONLY));
		try {
			if (isolation != null) {
				applyIsolationLevel(isolation);
			}
			if (lockWaitTimeout != null) {
				setBusyTimeout(lockWaitTimeout.toMillis());
			}
			if (readOnly) {
				this.control.execute("PRAGMA query_only = 1");
				this.control.execute("BEGIN DEFERRED");
			}
			else {
				this.control.execute("BEGIN " + this.configuration.getTransactionMode().name());
			}
		}
		catch (SQLException ex) {
			restore(previous, readOnly);
			throw ex;
		}
		this.restoreAfterTransaction = previous.readOnly(readOnly);
		this.transactionLost = false;
		this.inTransaction = true;
	}

	private void end(boolean commit) throws SQLException {
		if (!this.inTransaction) {
			return;
		}
		if (this.transactionLost) {
			finishTransaction();
			if (commit) {
				throw new R2dbcRollbackException("SQLite rolled this transaction back after an earlier error");
			}
			return;
		}
		// a failed COMMIT (a deferred foreign key, say) leaves the transaction open
		this.control.execute(commit ? "COMMIT" : "ROLLBACK");
		finishTransaction();
	}

	private void finishTransaction() throws SQLException {
		this.inTransaction = false;
		this.transactionLost = false;
		TransactionSettings settings = this.restoreAfterTransaction;
		this.restoreAfterTransaction = null;
		if (settings != null) {
			restore(settings, settings.readOnly());
		}
	}

	private void restore(TransactionSettings settings, boolean readOnly) throws SQLException {
		if (readOnly) {
			this.control.execute("PRAGMA query_only = 0");
		}
		if (settings.busyTimeoutMillis() != this.busyTimeoutMillis) {
			setBusyTimeout(settings.busyTimeoutMillis());
		}
		if (settings.isolationLevel() != this.isolationLevel) {
			applyIsolationLevel(settings.isolationLevel());
		}
	}

	private void applyIsolationLevel(IsolationLevel level) throws SQLException {
		boolean readUncommitted = IsolationLevel.READ_UNCOMMITTED.equals(level);
		this.control.execute("PRAGMA read_uncommitted = " + (readUncommitted ? 1 : 0));
		this.isolationLevel = readUncommitted ? IsolationLevel.READ_UNCOMMITTED : IsolationLevel.SERIALIZABLE;
	}

	private void setBusyTimeout(long millis) throws SQLException {
		int value = (int) Math.min(Integer.MAX_VALUE, millis);
		this.jdbc.setBusyTimeout(value);
		this.busyTimeoutMillis = value;
	}

	/**
	 * Before a statement: begins the transaction auto-commit off asks for, and refuses to
	 * run in a transaction SQLite has already rolled back.
	 */
	private void beforeStatement() throws SQLException {
		if (this.transactionLost) {
			throw new R2dbcRollbackException(
					"SQLite rolled this transaction back after an earlier error; roll back before going on");
		}
		if (!this.autoCommit && !this.inTransaction) {
			begin(NO_DEFINITION);
		}
	}

	/**
	 * After a failed statement in a transaction: finds out whether SQLite rolled the
	 * transaction back by itself (it does on some errors), as {@code BEGIN} only succeeds
	 * outside a transaction.
	 */
	private void afterError() {
		if (!this.inTransaction || this.transactionLost) {
			return;
		}
		try {
			this.control.execute("BEGIN");
		}
		catch (SQLException stillInTransaction) {
			return;
		}
		try {
			this.control.execute("ROLLBACK");
		}
		catch (SQLException ignored) {
			// nothing was done in the probing transaction
		}
		this.transactionLost = true;
	}

	private static String quote(String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("Savepoint name must not be null or empty");
		}
		return "\"" + name.replace("\"", "\"\"") + "\"";
	}

	// ---- statements

	@Override
	public SqliteStatement createStatement(String sql) {
		if (sql == null) {
			throw new IllegalArgumentException("sql must not be null");
		}
		return new SqliteStatement(this, sql);
	}

	@Override
	public SqliteBatch createBatch() {
		return new SqliteBatch(this);
	}

	/**
	 * Runs each statement of a text once per binding set, statement after statement.
	 * @param parsed the text
	 * @param bindings one value array (indexed by parameter) per binding set
	 * @param generatedColumns the columns for a RETURNING clause, or {@code null}
	 * @return one result per statement and binding set, in order, then the error if one
	 * failed
	 */
	Flux<SqliteResult> execute(ParsedSql parsed, List<Object[]> bindings, String[] generatedColumns) {
		return run(null, () -> executeAll(parsed, bindings, generatedColumns))
			.flatMapMany((outcome) -> (outcome.error() != null)
					? Flux.fromIterable(outcome.results()).concatWith(Mono.error(outcome.error()))
					: Flux.fromIterable(outcome.results()));
	}

	private Outcome executeAll(ParsedSql parsed, List<Object[]> bindings, String[] generatedColumns) {
		List<SqliteResult> results = new ArrayList<>();
		List<ParsedSql.Part> parts = parsed.parts();
		PreparedStatement[] prepared = new PreparedStatement[parts.size()];
		String sql = null;
		try {
			beforeStatement();
			for (Object[] values : bindings) {
				for (int i = 0; i < parts.size(); i++) {
					ParsedSql.Part part = parts.get(i);
					sql = (generatedColumns != null) ? part.withReturning(generatedColumns) : part.sql();
					if (prepared[i] == null) {
						// prepared when reached, so that "CREATE TABLE t; INSERT INTO t
						// ..." works
						prepared[i] = this.jdbc.prepareStatement(sql);
					}
					results.add(executeOne(prepared[i], part, values));
				}
			}
			return new Outcome(results, null);
		}
		catch (SQLException ex) {
			afterError();
			return new Outcome(results, SqliteExceptions.translate(ex, sql));
		}
		catch (R2dbcException ex) {
			return new Outcome(results, ex);
		}
		finally {
			for (PreparedStatement statement : prepared) {
				closeQuietly(statement);
			}
		}
	}

	private SqliteResult executeOne(PreparedStatement statement, ParsedSql.Part part, Object[] values)
			throws SQLException {
		int[] indexes = part.parameterIndexes();
		for (int k = 0; k < indexes.length; k++) {
			ValueCodec.encode(statement, k + 1, values[indexes[k]]);
		}
		DB db = this.jdbc.getDatabase();
		long changesBefore = db.total_changes();
		boolean hasRows = withStatementTimeout(statement);
		if (!hasRows) {
			// sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE through
			// other statements; total_changes() tells whether this one changed anything
			long count = (db.total_changes() != changesBefore) ? db.changes() : 0;
			return SqliteResult.of(List.of(), count);
		}
		List<SqliteRow> rows = readRows(statement.getResultSet());
		return SqliteResult.of(rows, part.modifiesRows() ? (long) rows.size() : null);
	}

	private boolean withStatementTimeout(PreparedStatement statement) throws SQLException {
		Duration timeout = this.statementTimeout;
		if (timeout == null || timeout.isZero()) {
			return statement.execute();
		}
		Interrupter interrupter = new Interrupter(this.jdbc.getDatabase());
		Disposable timer = Schedulers.parallel().schedule(interrupter, timeout.toMillis(), TimeUnit.MILLISECONDS);
		try {
			return statement.execute();
		}
		catch (SQLiteException ex) {
			if (interrupter.fired()) {
				throw new SQLiteException("Statement timed out after " + timeout, ex.getResultCode());
			}
			throw ex;
		}
		finally {
			interrupter.done();
			timer.dispose();
		}
	}

	private static List<SqliteRow> readRows(ResultSet resultSet) throws SQLException {
		if (resultSet == null) {
			return List.of();
		}
		try (resultSet) {
			ResultSetMetaData jdbcMetadata = resultSet.getMetaData();
			int count = jdbcMetadata.getColumnCount();
			List<SqliteColumnMetadata> columns = new ArrayList<>(count);
			for (int i = 1; i <= count; i++) {
				columns.add(new SqliteColumnMetadata(jdbcMetadata.getColumnLabel(i), jdbcMetadata.getColumnTypeName(i),
						nullability(jdbcMetadata, i), jdbcMetadata.getPrecision(i), jdbcMetadata.getScale(i)));
			}
			SqliteRowMetadata metadata = new SqliteRowMetadata(columns);
			List<SqliteRow> rows = new ArrayList<>();
			while (resultSet.next()) {
				Object[] values = new Object[count];
				for (int i = 0; i < count; i++) {
					values[i] = resultSet.getObject(i + 1);
				}
				rows.add(new SqliteRow(metadata, values));
			}
			return rows;
		}
	}

	private static Nullability nullability(ResultSetMetaData metadata, int column) {
		try {
			return (metadata.isNullable(column) == ResultSetMetaData.columnNoNulls) ? Nullability.NON_NULL
					: Nullability.NULLABLE;
		}
		catch (SQLException ex) {
			return Nullability.UNKNOWN;
		}
	}

	private static void closeQuietly(Statement statement) {
		if (statement != null) {
			try {
				statement.close();
			}
			catch (SQLException ignored) {
				// the statement is gone either way
			}
		}
	}

	// ---- lifecycle

	@Override
	public ConnectionMetadata getMetadata() {
		return this.metadata;
	}

	@Override
	public Mono<Boolean> validate(ValidationDepth depth) {
		if (depth == null) {
			throw new IllegalArgumentException("depth must not be null");
		}
		if (depth == ValidationDepth.LOCAL || this.closed) {
			return Mono.fromSupplier(() -> !this.closed);
		}
		return run("SELECT 1", () -> {
			try (ResultSet resultSet = this.control.executeQuery("SELECT 1")) {
				return resultSet.next();
			}
		}).onErrorReturn(false);
	}

	@Override
	public Mono<Void> close() {
		return Mono.defer(() -> {
			if (this.closed) {
				return Mono.empty();
			}
			this.closed = true;
			return this.thread.<Void>call(() -> {
				try {
					if (this.inTransaction && !this.transactionLost) {
						this.control.execute("ROLLBACK");
					}
				}
				catch (SQLException ignored) {
					// closing the connection rolls back anyway
				}
				try {
					this.jdbc.close();
				}
				catch (SQLException ex) {
					throw SqliteExceptions.translate(ex, null);
				}
				finally {
					this.inTransaction = false;
					this.thread.shutdown();
				}
				return null;
			});
		});
	}

	/**
	 * Runs a JDBC call on the connection's thread; fails fast once the connection is
	 * closed. Calls already queued when {@link #close()} is subscribed still run.
	 */
	private <T> Mono<T> run(String sql, SqlCall<T> call) {
		return Mono.defer(() -> {
			if (this.closed) {
				return Mono.error(new R2dbcNonTransientResourceException("Connection is closed"));
			}
			return this.thread.call(() -> {
				try {
					return call.call();
				}
				catch (SQLException ex) {
					afterError();
					throw SqliteExceptions.translate(ex, sql);
				}
			});
		})
			.onErrorMap(RejectedExecutionException.class,
					(ex) -> new R2dbcNonTransientResourceException("Connection is closed", ex));
	}

	@Override
	public String toString() {
		return "SqliteConnection[" + this.configuration.getPath() + (this.closed ? ", closed" : "") + "]";
	}

	@FunctionalInterface
	private interface SqlCall<T> {

		T call() throws SQLException;

	}

	private record Outcome(List<SqliteResult> results, R2dbcException error) {

	}

	private record TransactionSettings(IsolationLevel isolationLevel, long busyTimeoutMillis, boolean readOnly) {

		TransactionSettings(IsolationLevel isolationLevel, long busyTimeoutMillis) {
			this(isolationLevel, busyTimeoutMillis, false);
		}

		TransactionSettings readOnly(boolean readOnly) {
			return new TransactionSettings(this.isolationLevel, this.busyTimeoutMillis, readOnly);
		}

	}

	/**
	 * Interrupts the running statement when its timeout fires, never a later one.
	 */
	private static final class Interrupter implements Runnable {

		private final DB db;

		private boolean running = true;

		private boolean fired;

		Interrupter(DB db) {
			this.db = db;
		}

		@Override
		public synchronized void run() {
			if (this.running) {
				this.fired = true;
				try {
					this.db.interrupt();
				}
				catch (SQLException ignored) {
					// the statement finished meanwhile
				}
			}
		}

		synchronized boolean fired() {
			return this.fired;
		}

		synchronized void done() {
			this.running = false;
		}

	}

}
