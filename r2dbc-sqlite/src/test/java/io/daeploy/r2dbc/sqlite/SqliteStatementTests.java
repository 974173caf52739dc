package io.daeploy.r2dbc.sqlite;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.daeploy.r2dbc.sqlite.TestDatabase.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SqliteStatementTests {

	@TempDir
	Path directory;

	private SqliteConnectionFactory factory;

	@BeforeEach
	void createTable() {
		this.factory = TestDatabase.in(this.directory);
		TestDatabase.execute(this.factory,
				"CREATE TABLE person (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, age INTEGER)");
		TestDatabase.execute(this.factory, "INSERT INTO person (name, age) VALUES ('alice', 30), ('bob', 40)");
	}

	@Test
	void parameterWrappedValuesAreUnwrapped() {
		List<String> names = TestDatabase.query(this.factory, "SELECT name FROM person WHERE name = ?",
				(row) -> row.get(0, String.class), Parameters.in("alice"));
		assertThat(names).containsExactly("alice");
		List<Integer> ages = TestDatabase.query(this.factory, "SELECT age FROM person WHERE age = ?",
				(row) -> row.get(0, Integer.class), Parameters.in(R2dbcType.INTEGER, 40));
		assertThat(ages).containsExactly(40);

		long updated = updateCount("UPDATE person SET age = ? WHERE name = ?", Parameters.in(R2dbcType.INTEGER),
				Parameters.in("bob"));
		assertThat(updated).isOne();
		assertThat(TestDatabase.query(this.factory, "SELECT age FROM person WHERE name = 'bob'",
				(row) -> Optional.ofNullable(row.get(0))))
			.containsExactly(Optional.empty());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> statement("SELECT ?").bind(0, Parameters.out(R2dbcType.INTEGER)));
		assertThatIllegalArgumentException().isThrownBy(() -> statement("SELECT ?").bind(0, new Object()));
	}

	@Test
	void bindsByName() {
		List<String> names = TestDatabase.with(this.factory, (connection) -> {
			Statement statement = connection
				.createStatement("SELECT name FROM person WHERE name = :name OR age = $2 OR name = :name ORDER BY id");
			statement.bind("name", "alice").bind("$2", 40);
			return Flux.from(statement.execute())
				.flatMap((result) -> result.map((row) -> row.get("NAME", String.class)))
				.collectList();
		});
		assertThat(names).containsExactly("alice", "bob");
	}

	@Test
	void addRunsEachBindingSet() {
		List<Long> counts = TestDatabase.with(this.factory, (connection) -> {
			Statement statement = connection.createStatement("INSERT INTO person (name, age) VALUES (?, ?)");
			statement.bind(0, "carol").bind(1, 1).add();
			statement.bind(0, "dave").bindNull(1, Integer.class).add();
			statement.bind(0, "erin").bind(1, 3);
			return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated).collectList();
		});
		assertThat(counts).containsExactly(1L, 1L, 1L);
		assertThat(TestDatabase.single(this.factory, "SELECT count(*) FROM person", Integer.class)).isEqualTo(5);
	}

	@Test
	void returnGeneratedValuesAddsReturning() {
		List<Map<String, Object>> generated = TestDatabase.with(this.factory, (connection) -> {
			Statement statement = connection.createStatement("INSERT INTO person (name) VALUES (?), (?)")
				.bind(0, "carol")
				.bind(1, "dave")
				.returnGeneratedValues("id");
			return Flux.from(statement.execute())
				.flatMap((result) -> result.map((row, metadata) -> Map.of("id", row.get("id"), "columns",
						metadata.getColumnMetadatas().size())))
				.collectList();
		});
		assertThat(generated).containsExactly(Map.of("id", 3, "columns", 1), Map.of("id", 4, "columns", 1));

		List<Object> all = TestDatabase.with(this.factory,
				(connection) -> Flux
					.from(connection.createStatement("UPDATE person SET age = 50 WHERE name = 'alice'")
						.returnGeneratedValues()
						.execute())
					.flatMap((result) -> result.flatMap((segment) -> Mono.just((Object) segment)))
					.collectList());
		assertThat(all).hasSize(2);
		assertThat(all.get(0)).isInstanceOfSatisfying(Result.RowSegment.class, (segment) -> {
			assertThat(segment.row().get("name")).isEqualTo("alice");
			assertThat(segment.row().get("age")).isEqualTo(50);
		});
		assertThat(all.get(1)).isInstanceOfSatisfying(Result.UpdateCount.class,
				(count) -> assertThat(count.value()).isOne());
	}

	@Test
	void updateCountsAreExact() {
		assertThat(updateCount("UPDATE person SET age = age + 1")).isEqualTo(2);
		assertThat(updateCount("DELETE FROM person WHERE name = 'nobody'")).isZero();
		// sqlite3_changes() still says 2 here; a DDL statement changes no rows
		updateCount("UPDATE person SET age = age + 1");
		assertThat(updateCount("CREATE TABLE other (x)")).isZero();
		List<Long> selectCounts = TestDatabase.with(this.factory,
				(connection) -> Flux.from(connection.createStatement("SELECT * FROM person").execute())
					.flatMap(Result::getRowsUpdated)
					.collectList());
		assertThat(selectCounts).isEmpty();
	}

	@Test
	void compoundTextGivesOneResultPerStatement() {
		List<Object> results = TestDatabase.with(this.factory,
				(connection) -> Flux
					.from(connection
						.createStatement(
								"CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (?), (?); SELECT sum(x) FROM t")
						.bind(0, 1)
						.bind(1, 2)
						.execute())
					.concatMap((result) -> result
						.flatMap((segment) -> Mono.just((segment instanceof Result.UpdateCount count)
								? (Object) ("count " + count.value()) : ((Result.RowSegment) segment).row().get(0))))
					.collectList());
		assertThat(results).containsExactly("count 0", "count 2", 3);
	}

	@Test
	void failingStatementOfACompoundTextEndsItsResultsWithTheError() {
		StepVerifier
			.create(Flux.usingWhen(this.factory.create(),
					(connection) -> Flux
						.from(connection.createStatement("SELECT 1; SELECT * FROM missing; SELECT 3").execute())
						.concatMap((result) -> result.map((row) -> row.get(0))),
					Connection::close))
			.expectNext(1)
			.expectError(R2dbcBadGrammarException.class)
			.verify(TIMEOUT);
	}

	@Test
	void batchRunsStatementsInOrder() {
		List<Long> counts = TestDatabase
			.with(this.factory,
					(connection) -> Flux.from(connection.createBatch()
						.add("INSERT INTO person (name) VALUES ('x')")
						.add("DELETE FROM person WHERE name <> 'x'")
						.execute()).flatMap(Result::getRowsUpdated).collectList());
		assertThat(counts).containsExactly(1L, 2L);
		assertThatIllegalArgumentException().isThrownBy(() -> TestDatabase.with(this.factory,
				(connection) -> Mono.just(connection.createBatch().add("SELECT ?"))));
	}

	@Test
	void resultSegmentsCanBeFiltered() {
		List<String> names = TestDatabase.with(this.factory, (connection) -> Flux
			.from(connection.createStatement("SELECT name FROM person ORDER BY id").execute())
			.flatMap((result) -> result
				.filter((segment) -> segment instanceof Result.RowSegment row && !"alice".equals(row.row().get(0)))
				.map((row) -> row.get(0, String.class)))
			.collectList());
		assertThat(names).containsExactly("bob");
	}

	private long updateCount(String sql, Object... values) {
		return TestDatabase.with(this.factory, (connection) -> {
			Statement statement = connection.createStatement(sql);
			for (int i = 0; i < values.length; i++) {
				statement.bind(i, values[i]);
			}
			return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated).next();
		});
	}

	private Statement statement(String sql) {
		return TestDatabase.with(this.factory, (connection) -> Mono.just(connection.createStatement(sql)));
	}

}
