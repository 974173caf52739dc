package io.daeploy.r2dbc.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opening a connection sets the journal mode and other pragmas, which need the database's
 * lock: while another connection holds it, or while many open at once on a new file, an
 * open waits up to the busy timeout instead of failing with SQLITE_BUSY (which CI met as
 * "Failed to obtain R2DBC Connection" when 16 raises opened connections at once).
 */
class OpeningUnderContentionTests {

	@TempDir
	Path directory;

	@Test
	void anOpenWaitsForAnotherConnectionsExclusiveLock() throws Exception {
		opensWhileHeld(this.directory.resolve("locked.db"), "CREATE TABLE t (x INTEGER)", "BEGIN EXCLUSIVE",
				"INSERT INTO t VALUES (1)");
	}

	@Test
	void anOpenWaitsOutAnExclusiveLockingModeConnection() throws Exception {
		opensWhileHeld(this.directory.resolve("exclusive.db"), "PRAGMA journal_mode=WAL",
				"PRAGMA locking_mode=EXCLUSIVE", "CREATE TABLE t (x INTEGER)", "INSERT INTO t VALUES (1)");
	}

	/**
	 * Runs the statements on a plain JDBC connection that then keeps its locks for 700 ms
	 * (committing a transaction it began), and meanwhile opens a connection of ours and
	 * reads the one row the statements wrote.
	 */
	private static void opensWhileHeld(Path file, String... statements) throws Exception {
		CountDownLatch locked = new CountDownLatch(1);
		Thread holder = new Thread(() -> {
			try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + file);
					Statement statement = jdbc.createStatement()) {
				for (String sql : statements) {
					statement.execute(sql);
				}
				locked.countDown();
				Thread.sleep(700);
				if (java.util.Arrays.asList(statements).contains("BEGIN EXCLUSIVE")) {
					statement.execute("COMMIT");
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		holder.start();
		assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
		SqliteConnectionFactory factory = new SqliteConnectionFactory(
				SqliteConnectionConfiguration.builder().path(file).busyTimeout(Duration.ofSeconds(10)).build());
		assertThat(TestDatabase.single(factory, "SELECT count(*) FROM t", Integer.class)).isEqualTo(1);
		holder.join(10_000);
	}

	@Test
	void manyConnectionsOpenedAtOnceAndWritingAllSucceed() throws Exception {
		for (int round = 0; round < 30; round++) {
			// made as Flyway makes it: over JDBC, in the default rollback-journal mode,
			// so the first opens switch it to WAL while the others already write
			Path file = this.directory.resolve("new-" + round + ".db");
			try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + file);
					Statement statement = jdbc.createStatement()) {
				statement.execute("CREATE TABLE t (x INTEGER)");
			}
			SqliteConnectionFactory factory = new SqliteConnectionFactory(
					SqliteConnectionConfiguration.builder().path(file).busyTimeout(Duration.ofSeconds(10)).build());
			Long written = Flux.range(0, 24)
				.flatMap((i) -> Mono
					.usingWhen(factory.create(),
							(connection) -> Mono.from(connection.beginTransaction())
								.thenMany(connection.createStatement("INSERT INTO t VALUES (?)").bind(0, i).execute())
								.flatMap((result) -> result.getRowsUpdated())
								.then(Mono.from(connection.commitTransaction()))
								.thenReturn(1),
							SqliteConnection::close)
					.subscribeOn(reactor.core.scheduler.Schedulers.parallel()), 24)
				.count()
				.block(Duration.ofSeconds(60));
			assertThat(written).isEqualTo(24);
			assertThat(TestDatabase.single(factory, "SELECT count(*) FROM t", Integer.class)).isEqualTo(24);
		}
	}

}
