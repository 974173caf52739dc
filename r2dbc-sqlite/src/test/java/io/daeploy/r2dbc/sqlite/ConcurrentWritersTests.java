package io.daeploy.r2dbc.sqlite;

import java.nio.file.Path;
import java.time.Duration;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static io.daeploy.r2dbc.sqlite.TestDatabase.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite has one writer at a time; WAL and the busy timeout make writers wait for each
 * other instead of failing with SQLITE_BUSY.
 */
class ConcurrentWritersTests {

	private static final int CONNECTIONS = 16;

	private static final int INSERTS = 50;

	@TempDir
	Path directory;

	@Test
	void parallelWritersThroughAPoolLoseNothing() {
		SqliteConnectionFactory factory = TestDatabase.in(this.directory);
		TestDatabase.execute(factory, "CREATE TABLE event (id INTEGER PRIMARY KEY, writer INTEGER, seq INTEGER)");
		ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
			.initialSize(CONNECTIONS)
			.maxSize(CONNECTIONS)
			.maxAcquireTime(Duration.ofSeconds(20))
			.build());
		try {
			Flux.range(0, CONNECTIONS)
				.flatMap((writer) -> Flux.range(0, INSERTS).flatMap((seq) -> insert(pool, writer, seq), INSERTS),
						CONNECTIONS * INSERTS)
				.then()
				.block(Duration.ofSeconds(60));
			assertThat(TestDatabase.single(pool, "SELECT count(*) FROM event", Integer.class))
				.isEqualTo(CONNECTIONS * INSERTS);
			assertThat(
					TestDatabase.single(pool, "SELECT count(DISTINCT writer * 1000 + seq) FROM event", Integer.class))
				.isEqualTo(CONNECTIONS * INSERTS);
		}
		finally {
			pool.disposeLater().block(TIMEOUT);
		}
	}

	/**
	 * Odd inserts run alone in auto-commit mode; even ones in a transaction that reads
	 * before it writes, which a DEFERRED transaction could not upgrade under contention.
	 */
	private static Mono<Long> insert(ConnectionPool pool, int writer, int seq) {
		String insert = "INSERT INTO event (writer, seq) VALUES (?, ?)";
		return Mono.usingWhen(pool.create(), (connection) -> {
			if (seq % 2 == 1) {
				return update(connection, insert, writer, seq);
			}
			return Mono.from(connection.beginTransaction())
				.then(Flux
					.from(connection.createStatement("SELECT count(*) FROM event WHERE writer = ?")
						.bind(0, writer)
						.execute())
					.flatMap((result) -> result.map((row) -> row.get(0, Long.class)))
					.then())
				.then(update(connection, insert, writer, seq))
				.flatMap((count) -> Mono.from(connection.commitTransaction()).thenReturn(count));
		}, Connection::close);
	}

	private static Mono<Long> update(Connection connection, String sql, int writer, int seq) {
		return Flux.from(connection.createStatement(sql).bind(0, writer).bind(1, seq).execute())
			.flatMap(Result::getRowsUpdated)
			.single();
	}

}
