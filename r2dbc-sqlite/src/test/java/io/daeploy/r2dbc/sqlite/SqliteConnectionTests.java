package io.daeploy.r2dbc.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static io.daeploy.r2dbc.sqlite.TestDatabase.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class SqliteConnectionTests {

	@TempDir
	Path directory;

	private SqliteConnectionFactory factory;

	@BeforeEach
	void createTable() {
		this.factory = TestDatabase.in(this.directory);
		TestDatabase.execute(this.factory, "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
	}

	@Test
	void jdbcCallsRunOnTheConnectionsOwnDaemonThread() {
		Thread caller = Thread.currentThread();
		List<Thread> threads = TestDatabase.with(this.factory,
				(connection) -> Flux.from(connection.createStatement("SELECT 1").execute())
					.flatMap((result) -> result.map((row) -> Thread.currentThread()))
					.collectList());
		Thread jdbcThread = threads.get(0);
		assertThat(jdbcThread).isNotSameAs(caller);
		assertThat(jdbcThread.getName()).startsWith("r2dbc-sqlite-");
		assertThat(jdbcThread.isDaemon()).isTrue();

		// subscribed from a non-blocking thread, the work still moves to the connection's
		AtomicReference<Thread> executedOn = new AtomicReference<>();
		Thread parallel = Mono.fromCallable(Thread::currentThread).subscribeOn(Schedulers.parallel()).block(TIMEOUT);
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		Mono.from(connection.createStatement("SELECT 1").execute())
			.flatMapMany((result) -> result.map((row) -> row.get(0)))
			.doOnNext((value) -> executedOn.set(Thread.currentThread()))
			.subscribeOn(Schedulers.parallel())
			.blockLast(TIMEOUT);
		assertThat(executedOn.get()).isNotSameAs(parallel);
		assertThat(executedOn.get().getName()).startsWith("r2dbc-sqlite-");

		// the thread ends with its connection
		Thread connectionThread = executedOn.get();
		Mono.from(connection.close()).block(TIMEOUT);
		awaitTermination(connectionThread);
	}

	@Test
	void everyConnectionGetsWalBusyTimeoutAndForeignKeys() {
		assertThat(TestDatabase.single(this.factory, "PRAGMA journal_mode", String.class)).isEqualTo("wal");
		assertThat(TestDatabase.single(this.factory, "PRAGMA busy_timeout", Integer.class)).isEqualTo(5000);
		assertThat(TestDatabase.single(this.factory, "PRAGMA foreign_keys", Boolean.class)).isTrue();
		assertThat(TestDatabase.single(this.factory, "PRAGMA synchronous", Integer.class)).isEqualTo(1);

		TestDatabase.execute(this.factory, "CREATE TABLE child (item_id INTEGER REFERENCES item(id))");
		StepVerifier.create(update(this.factory, "INSERT INTO child VALUES (42)"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(R2dbcDataIntegrityViolationException.class)
				.extracting("sqlState")
				.isEqualTo("23503"))
			.verify(TIMEOUT);
	}

	@Test
	void commitMakesChangesVisibleToOtherConnections() {
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		try {
			Mono.from(connection.beginTransaction()).block(TIMEOUT);
			assertThat(connection.isAutoCommit()).isFalse();
			execute(connection, "INSERT INTO item (name) VALUES ('a')");
			assertThat(count()).isZero();
			Mono.from(connection.commitTransaction()).block(TIMEOUT);
			assertThat(connection.isAutoCommit()).isTrue();
			assertThat(count()).isOne();

			Mono.from(connection.beginTransaction()).block(TIMEOUT);
			execute(connection, "INSERT INTO item (name) VALUES ('b')");
			Mono.from(connection.rollbackTransaction()).block(TIMEOUT);
			assertThat(count()).isOne();
		}
		finally {
			Mono.from(connection.close()).block(TIMEOUT);
		}
	}

	@Test
	void autoCommitOffKeepsATransactionOpenUntilCommit() {
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		try {
			Mono.from(connection.setAutoCommit(false)).block(TIMEOUT);
			execute(connection, "INSERT INTO item (name) VALUES ('a')");
			assertThat(count()).isZero();
			Mono.from(connection.commitTransaction()).block(TIMEOUT);
			assertThat(count()).isOne();
			assertThat(connection.isAutoCommit()).isFalse();

			execute(connection, "INSERT INTO item (name) VALUES ('b')");
			Mono.from(connection.rollbackTransaction()).block(TIMEOUT);
			assertThat(count()).isOne();

			execute(connection, "INSERT INTO item (name) VALUES ('c')");
			Mono.from(connection.setAutoCommit(true)).block(TIMEOUT);
			assertThat(count()).isEqualTo(2);
			assertThat(connection.isAutoCommit()).isTrue();
		}
		finally {
			Mono.from(connection.close()).block(TIMEOUT);
		}
	}

	@Test
	void savepointsRollBackPartOfATransaction() {
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		try {
			Mono.from(connection.createSavepoint("first")).block(TIMEOUT);
			assertThat(connection.isAutoCommit()).isFalse();
			execute(connection, "INSERT INTO item (name) VALUES ('kept')");
			Mono.from(connection.createSavepoint("second \"quoted\"")).block(TIMEOUT);
			execute(connection, "INSERT INTO item (name) VALUES ('undone')");
			Mono.from(connection.rollbackTransactionToSavepoint("second \"quoted\"")).block(TIMEOUT);
			Mono.from(connection.releaseSavepoint("first")).block(TIMEOUT);
			assertThat(connection.isAutoCommit()).isFalse();
			Mono.from(connection.commitTransaction()).block(TIMEOUT);
			assertThat(names()).containsExactly("kept");
		}
		finally {
			Mono.from(connection.close()).block(TIMEOUT);
		}
	}

	@Test
	void isolationLevelsMapToReadUncommittedOrSerializable() {
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		try {
			assertThat(connection.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.SERIALIZABLE);
			Mono.from(connection.setTransactionIsolationLevel(IsolationLevel.READ_UNCOMMITTED)).block(TIMEOUT);
			assertThat(connection.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.READ_UNCOMMITTED);
			assertThat(pragma(connection, "read_uncommitted")).isOne();
			Mono.from(connection.setTransactionIsolationLevel(IsolationLevel.READ_COMMITTED)).block(TIMEOUT);
			assertThat(connection.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.SERIALIZABLE);
			assertThat(pragma(connection, "read_uncommitted")).isZero();
		}
		finally {
			Mono.from(connection.close()).block(TIMEOUT);
		}
	}

	@Test
	void transactionDefinitionAppliesForTheTransactionOnly() {
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		try {
			Mono.from(connection.beginTransaction(definition(IsolationLevel.READ_UNCOMMITTED, true))).block(TIMEOUT);
			assertThat(connection.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.READ_UNCOMMITTED);
			StepVerifier
				.create(Flux.from(connection.createStatement("INSERT INTO item (name) VALUES ('x')").execute())
					.flatMap(Result::getRowsUpdated))
				.expectError(R2dbcPermissionDeniedException.class)
				.verify(TIMEOUT);
			Mono.from(connection.rollbackTransaction()).block(TIMEOUT);
			assertThat(connection.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.SERIALIZABLE);
			assertThat(pragma(connection, "query_only")).isZero();
			execute(connection, "INSERT INTO item (name) VALUES ('y')");
			assertThat(count()).isOne();
		}
		finally {
			Mono.from(connection.close()).block(TIMEOUT);
		}
	}

	@Test
	void writeTransactionsTakeTheWriteLockAtBegin() {
		SqliteConnection first = this.factory.create().block(TIMEOUT);
		SqliteConnection second = this.factory.create().block(TIMEOUT);
		try {
			Mono.from(first.beginTransaction()).block(TIMEOUT);
			Mono.from(second.setLockWaitTimeout(Duration.ofMillis(100))).block(TIMEOUT);
			assertThat(pragma(second, "busy_timeout")).isEqualTo(100);
			StepVerifier.create(Mono.from(second.beginTransaction()))
				.expectError(R2dbcTransientResourceException.class)
				.verify(TIMEOUT);
			assertThat(second.isAutoCommit()).isTrue();
			Mono.from(first.commitTransaction()).block(TIMEOUT);
			Mono.from(second.beginTransaction()).block(TIMEOUT);
			Mono.from(second.commitTransaction()).block(TIMEOUT);
		}
		finally {
			Mono.from(first.close()).block(TIMEOUT);
			Mono.from(second.close()).block(TIMEOUT);
		}
	}

	@Test
	void transactionRolledBackBySqliteCannotBeCommitted() {
		TestDatabase.execute(this.factory, "CREATE TRIGGER no_bad BEFORE INSERT ON item WHEN NEW.name = 'bad' "
				+ "BEGIN SELECT RAISE(ROLLBACK, 'bad name'); END");
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		try {
			Mono.from(connection.beginTransaction()).block(TIMEOUT);
			execute(connection, "INSERT INTO item (name) VALUES ('good')");
			StepVerifier.create(update(connection, "INSERT INTO item (name) VALUES ('bad')"))
				.expectError(R2dbcDataIntegrityViolationException.class)
				.verify(TIMEOUT);
			StepVerifier.create(update(connection, "INSERT INTO item (name) VALUES ('after')"))
				.expectError(R2dbcRollbackException.class)
				.verify(TIMEOUT);
			StepVerifier.create(connection.commitTransaction())
				.expectError(R2dbcRollbackException.class)
				.verify(TIMEOUT);
			assertThat(connection.isAutoCommit()).isTrue();
			assertThat(count()).isZero();
			execute(connection, "INSERT INTO item (name) VALUES ('again')");
			assertThat(count()).isOne();
		}
		finally {
			Mono.from(connection.close()).block(TIMEOUT);
		}
	}

	@Test
	void statementTimeoutInterruptsALongQuery() {
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		try {
			Mono.from(connection.setStatementTimeout(Duration.ofMillis(100))).block(TIMEOUT);
			String slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
			StepVerifier
				.create(Flux.from(connection.createStatement(slow).execute())
					.flatMap((result) -> result.map((row) -> row.get(0))))
				.expectError(R2dbcTimeoutException.class)
				.verify(TIMEOUT);
			assertThat(pragma(connection, "busy_timeout")).isEqualTo(5000);
		}
		finally {
			Mono.from(connection.close()).block(TIMEOUT);
		}
	}

	@Test
	void errorsAreTranslated() {
		TestDatabase.execute(this.factory, "INSERT INTO item (name) VALUES ('a')");
		StepVerifier.create(update(this.factory, "INSERT INTO item (name) VALUES ('a')")).expectErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(R2dbcDataIntegrityViolationException.class)
				.hasMessageContaining("UNIQUE constraint failed: item.name");
			R2dbcDataIntegrityViolationException violation = (R2dbcDataIntegrityViolationException) ex;
			assertThat(violation.getSqlState()).isEqualTo("23505");
			assertThat(violation.getErrorCode()).isEqualTo(2067);
			assertThat(violation.getSql()).isEqualTo("INSERT INTO item (name) VALUES ('a')");
		}).verify(TIMEOUT);
		StepVerifier.create(update(this.factory, "SELEC oops"))
			.expectError(R2dbcBadGrammarException.class)
			.verify(TIMEOUT);
		StepVerifier.create(update(this.factory, "SELECT * FROM missing"))
			.expectError(R2dbcBadGrammarException.class)
			.verify(TIMEOUT);
	}

	@Test
	void closedConnectionFailsFastAndValidatesFalse() {
		SqliteConnection connection = this.factory.create().block(TIMEOUT);
		assertThat(connection.validate(ValidationDepth.REMOTE).block(TIMEOUT)).isTrue();
		assertThat(connection.getMetadata().getDatabaseProductName()).isEqualTo("SQLite");
		assertThat(connection.getMetadata().getDatabaseVersion()).matches("3\\.\\d+\\.\\d+");
		Mono.from(connection.close()).block(TIMEOUT);
		Mono.from(connection.close()).block(TIMEOUT);
		assertThat(connection.validate(ValidationDepth.REMOTE).block(TIMEOUT)).isFalse();
		StepVerifier.create(connection.createStatement("SELECT 1").execute())
			.expectError(R2dbcNonTransientResourceException.class)
			.verify(TIMEOUT);
	}

	private long count() {
		return TestDatabase.single(this.factory, "SELECT count(*) FROM item", Long.class);
	}

	private List<String> names() {
		return TestDatabase.query(this.factory, "SELECT name FROM item ORDER BY id", (row) -> row.get(0, String.class));
	}

	private static void execute(Connection connection, String sql) {
		update(connection, sql).block(TIMEOUT);
	}

	private static Mono<Long> update(Connection connection, String sql) {
		return Flux.from(connection.createStatement(sql).execute()).flatMap(Result::getRowsUpdated).next();
	}

	private static Mono<Long> update(SqliteConnectionFactory factory, String sql) {
		return Mono.usingWhen(factory.create(), (connection) -> update(connection, sql), Connection::close);
	}

	private static Integer pragma(Connection connection, String name) {
		return Flux.from(connection.createStatement("PRAGMA " + name).execute())
			.flatMap((result) -> result.map((row) -> row.get(0, Integer.class)))
			.blockFirst(TIMEOUT);
	}

	private static TransactionDefinition definition(IsolationLevel isolationLevel, boolean readOnly) {
		return new TransactionDefinition() {

			@Override
			@SuppressWarnings("unchecked")
			public <T> T getAttribute(Option<T> option) {
				if (option.equals(TransactionDefinition.ISOLATION_LEVEL)) {
					return (T) isolationLevel;
				}
				if (option.equals(TransactionDefinition.READ_ONLY)) {
					return (T) Boolean.valueOf(readOnly);
				}
				return null;
			}

		};
	}

	private static void awaitTermination(Thread thread) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (thread.isAlive() && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(thread.isAlive()).as("connection thread ended").isFalse();
	}

}
