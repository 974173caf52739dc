package io.daeploy.r2dbc.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A database file for one test, and blocking shortcuts for setting up and checking data.
 */
final class TestDatabase {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private TestDatabase() {
	}

	static SqliteConnectionFactory in(Path directory) {
		return new SqliteConnectionFactory(
				SqliteConnectionConfiguration.builder().path(directory.resolve("test.db")).build());
	}

	static void execute(ConnectionFactory factory, String sql) {
		Flux.usingWhen(factory.create(),
				(connection) -> Flux.from(connection.createStatement(sql).execute()).flatMap(Result::getRowsUpdated),
				Connection::close)
			.blockLast(TIMEOUT);
	}

	static <T> List<T> query(ConnectionFactory factory, String sql, Function<Readable, T> mapper, Object... values) {
		return Flux.usingWhen(factory.create(), (connection) -> {
			Statement statement = connection.createStatement(sql);
			for (int i = 0; i < values.length; i++) {
				statement.bind(i, values[i]);
			}
			return Flux.from(statement.execute()).flatMap((result) -> result.map(mapper));
		}, Connection::close).collectList().block(TIMEOUT);
	}

	static <T> T single(ConnectionFactory factory, String sql, Class<T> type, Object... values) {
		return query(factory, sql, (row) -> row.get(0, type), values).get(0);
	}

	static <T> T with(ConnectionFactory factory, Function<Connection, Mono<T>> action) {
		return Mono.usingWhen(factory.create(), action, Connection::close).block(TIMEOUT);
	}

}
