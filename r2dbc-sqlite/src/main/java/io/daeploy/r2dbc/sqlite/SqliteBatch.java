package io.daeploy.r2dbc.sqlite;

import java.util.ArrayList;
import java.util.List;

import io.r2dbc.spi.Batch;
import reactor.core.publisher.Flux;

/**
 * SQL texts without parameters, run one after the other on one connection. Each statement
 * gives its own result.
 */
public final class SqliteBatch implements Batch {

	private static final List<Object[]> NO_BINDINGS = List.<Object[]>of(new Object[0]);

	private final SqliteConnection connection;

	private final List<ParsedSql> statements = new ArrayList<>();

	SqliteBatch(SqliteConnection connection) {
		this.connection = connection;
	}

	@Override
	public SqliteBatch add(String sql) {
		if (sql == null) {
			throw new IllegalArgumentException("sql must not be null");
		}
		ParsedSql parsed = ParsedSql.parse(sql);
		if (parsed.parameterCount() > 0) {
			throw new IllegalArgumentException("Batch statements take no parameters: " + sql);
		}
		this.statements.add(parsed);
		return this;
	}

	@Override
	public Flux<SqliteResult> execute() {
		List<ParsedSql> statements = List.copyOf(this.statements);
		return Flux.fromIterable(statements).concatMap((parsed) -> this.connection.execute(parsed, NO_BINDINGS, null));
	}

}
