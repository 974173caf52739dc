package io.daeploy.r2dbc.sqlite;

import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ParsedSqlTests {

	@Test
	void anonymousParametersAreNumberedInOrder() {
		ParsedSql parsed = ParsedSql.parse("INSERT INTO t (a, b) VALUES (?, ?)");
		assertThat(parsed.parameterCount()).isEqualTo(2);
		assertThat(parsed.parts()).singleElement().satisfies((part) -> {
			assertThat(part.sql()).isEqualTo("INSERT INTO t (a, b) VALUES (?, ?)");
			assertThat(part.parameterIndexes()).containsExactly(0, 1);
		});
	}

	@Test
	void numberedParametersMapToTheirIndexAndRepeat() {
		ParsedSql parsed = ParsedSql.parse("SELECT * FROM t WHERE a = $2 OR b = $1 OR c = $2");
		assertThat(parsed.parameterCount()).isEqualTo(2);
		ParsedSql.Part part = parsed.parts().get(0);
		assertThat(part.sql()).isEqualTo("SELECT * FROM t WHERE a = ? OR b = ? OR c = ?");
		assertThat(part.parameterIndexes()).containsExactly(1, 0, 1);
		assertThat(parsed.indexOf("$1")).isZero();
		assertThat(parsed.indexOf("2")).isOne();
		assertThat(ParsedSql.parse("SELECT ?2, ?1").parts().get(0).parameterIndexes()).containsExactly(1, 0);
	}

	@Test
	void namedParametersShareAnIndexAndMatchWithOrWithoutPrefix() {
		ParsedSql parsed = ParsedSql.parse("SELECT * FROM t WHERE a = :name OR b = @other OR c = :name");
		assertThat(parsed.parameterCount()).isEqualTo(2);
		assertThat(parsed.parts().get(0).parameterIndexes()).containsExactly(0, 1, 0);
		assertThat(parsed.indexOf(":name")).isZero();
		assertThat(parsed.indexOf("name")).isZero();
		assertThat(parsed.indexOf("other")).isOne();
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> parsed.indexOf("missing"));
	}

	@Test
	void markersInLiteralsIdentifiersAndCommentsAreText() {
		ParsedSql parsed = ParsedSql
			.parse("SELECT '?', \"a?\", [b:c], `d@e`, 'it''s ?' -- ?\n /* :x */ FROM t WHERE x = ?");
		assertThat(parsed.parameterCount()).isOne();
		assertThat(parsed.parts().get(0).sql()).startsWith("SELECT '?', \"a?\", [b:c], `d@e`, 'it''s ?'")
			.endsWith("FROM t WHERE x = ?")
			.doesNotContain("--")
			.doesNotContain(":x");
	}

	@Test
	void compoundTextIsSplitAndParametersSpanIt() {
		ParsedSql parsed = ParsedSql.parse("INSERT INTO t VALUES (?); ; SELECT 'a;b' FROM t WHERE x = ?;");
		assertThat(parsed.parameterCount()).isEqualTo(2);
		assertThat(parsed.parts()).extracting(ParsedSql.Part::sql)
			.containsExactly("INSERT INTO t VALUES (?)", "SELECT 'a;b' FROM t WHERE x = ?");
		assertThat(parsed.parts().get(1).parameterIndexes()).containsExactly(1);
	}

	@Test
	void triggerBodyIsKeptWhole() {
		String trigger = "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET n = n + 1; DELETE FROM v; END";
		ParsedSql parsed = ParsedSql.parse(trigger + "; SELECT 1");
		assertThat(parsed.parts()).extracting(ParsedSql.Part::sql).containsExactly(trigger, "SELECT 1");
		assertThat(parsed.parts().get(0).modifiesRows()).isFalse();
	}

	@Test
	void returningIsAddedToStatementsThatModifyRows() {
		String[] id = { "id" };
		assertThat(part("INSERT INTO t (a) VALUES (?)").withReturning(id))
			.isEqualTo("INSERT INTO t (a) VALUES (?) RETURNING id");
		assertThat(part("update t set a = 1").withReturning(new String[0])).isEqualTo("update t set a = 1 RETURNING *");
		assertThat(part("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x").withReturning(id))
			.endsWith("RETURNING id");
		assertThat(part("WITH x AS (DELETE FROM t) SELECT 1").withReturning(id)).doesNotContain("RETURNING");
		assertThat(part("SELECT * FROM t").withReturning(id)).isEqualTo("SELECT * FROM t");
		assertThat(part("INSERT INTO t VALUES (1) RETURNING a").withReturning(id))
			.isEqualTo("INSERT INTO t VALUES (1) RETURNING a");
		assertThat(part("INSERT INTO t VALUES (1); -- done").withReturning(id))
			.isEqualTo("INSERT INTO t VALUES (1) RETURNING id");
	}

	private static ParsedSql.Part part(String sql) {
		return ParsedSql.parse(sql).parts().get(0);
	}

}
