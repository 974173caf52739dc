package io.daeploy.r2dbc.sqlite;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SqliteTypesTests {

	@TempDir
	Path directory;

	private SqliteConnectionFactory factory;

	@BeforeEach
	void createDatabase() {
		this.factory = TestDatabase.in(this.directory);
	}

	static List<Object[]> values() {
		return List.of(new Object[] { "text ü", "text" }, new Object[] { 42, "integer" },
				new Object[] { 4_000_000_000L, "integer" }, new Object[] { (short) 7, "integer" },
				new Object[] { (byte) 8, "integer" }, new Object[] { true, "integer" }, new Object[] { 1.25d, "real" },
				new Object[] { 1.1f, "real" },
				new Object[] { new BigDecimal("12345678901234567890.123456789"), "text" },
				new Object[] { new byte[] { 1, 2, 3 }, "blob" },
				new Object[] { Instant.parse("2026-11-25T07:19:00.123456789Z"), "text" },
				new Object[] { LocalDateTime.of(2026, 11, 25, 7, 19, 0, 5000), "text" },
				new Object[] { LocalDate.of(2026, 11, 25), "text" }, new Object[] { LocalTime.of(7, 19, 30), "text" },
				new Object[] { OffsetDateTime.of(2026, 11, 25, 7, 19, 0, 0, ZoneOffset.ofHours(2)), "text" },
				new Object[] { ZonedDateTime.of(2026, 11, 25, 7, 19, 0, 0, ZoneId.of("Europe/Stockholm")), "text" },
				new Object[] { UUID.fromString("9f1c7a52-3c1e-4e0b-a4f4-2a0f4f7d3c11"), "text" },
				new Object[] { Color.GREEN, "text" });
	}

	@ParameterizedTest
	@MethodSource("values")
	void valuesRoundTripAsTheirStorageClass(Object value, String storageClass) {
		TestDatabase.execute(this.factory, "CREATE TABLE v (x)");
		TestDatabase.query(this.factory, "INSERT INTO v VALUES (?)", (row) -> row, value);
		assertThat(TestDatabase.single(this.factory, "SELECT typeof(x) FROM v", String.class)).isEqualTo(storageClass);
		Object read = TestDatabase.single(this.factory, "SELECT x FROM v", value.getClass());
		assertThat(read).isEqualTo(value);
	}

	@Test
	void byteBuffersAreStoredAsBlobs() {
		TestDatabase.execute(this.factory, "CREATE TABLE v (x BLOB)");
		ByteBuffer buffer = ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8));
		TestDatabase.query(this.factory, "INSERT INTO v VALUES (?)", (row) -> row, buffer);
		assertThat(buffer.remaining()).isEqualTo(3);
		assertThat(TestDatabase.single(this.factory, "SELECT x FROM v", Object.class)).isEqualTo(buffer);
		assertThat(TestDatabase.single(this.factory, "SELECT x FROM v", String.class)).isEqualTo("abc");
	}

	@Test
	void dateTimesAreSortableIsoText() {
		TestDatabase.execute(this.factory, "CREATE TABLE v (x TEXT)");
		Instant whole = Instant.parse("2026-11-25T07:19:00Z");
		Instant half = whole.plusMillis(500);
		TestDatabase.query(this.factory, "INSERT INTO v VALUES (?), (?)", (row) -> row, half, whole);
		assertThat(TestDatabase.query(this.factory, "SELECT x FROM v ORDER BY x", (row) -> row.get(0)))
			.containsExactly("2026-11-25T07:19:00.000000000Z", "2026-11-25T07:19:00.500000000Z");
		assertThat(TestDatabase.query(this.factory, "SELECT x FROM v WHERE x > ?", (row) -> row.get(0, Instant.class),
				whole))
			.containsExactly(half);
		assertThat(TestDatabase.single(this.factory, "SELECT datetime(?)", String.class, half))
			.isEqualTo("2026-11-25 07:19:00");
	}

	@Test
	void rowConvertsStorageClassesToTheRequestedType() {
		Row row = row("SELECT 1 AS one, 0 AS zero, 5000000000 AS big, '2026-11-25 07:19:00' AS stamp, "
				+ "'2026-11-25T09:19:00+02:00' AS offset, '9f1c7a52-3c1e-4e0b-a4f4-2a0f4f7d3c11' AS id, "
				+ "'RED' AS color, 2.5 AS real, '12.50' AS decimal, 'true' AS flag, x'00ff' AS bytes");
		assertThat(row.get("one", Boolean.class)).isTrue();
		assertThat(row.get("zero", boolean.class)).isFalse();
		assertThat(row.get("one", Long.class)).isEqualTo(1L);
		assertThat(row.get("big", Long.class)).isEqualTo(5_000_000_000L);
		assertThat(row.get("one", Double.class)).isEqualTo(1.0);
		assertThat(row.get("one", BigDecimal.class)).isEqualTo(BigDecimal.ONE);
		assertThat(row.get("one", String.class)).isEqualTo("1");
		assertThat(row.get("stamp", Instant.class)).isEqualTo(Instant.parse("2026-11-25T07:19:00Z"));
		assertThat(row.get("stamp", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2026, 11, 25, 7, 19));
		assertThat(row.get("stamp", LocalDate.class)).isEqualTo(LocalDate.of(2026, 11, 25));
		assertThat(row.get("offset", Instant.class)).isEqualTo(Instant.parse("2026-11-25T07:19:00Z"));
		assertThat(row.get("offset", OffsetDateTime.class).getOffset()).isEqualTo(ZoneOffset.ofHours(2));
		assertThat(row.get("id", UUID.class)).isEqualTo(UUID.fromString("9f1c7a52-3c1e-4e0b-a4f4-2a0f4f7d3c11"));
		assertThat(row.get("color", Color.class)).isEqualTo(Color.RED);
		assertThat(row.get("real", Float.class)).isEqualTo(2.5f);
		assertThat(row.get("real", BigDecimal.class)).isEqualTo(new BigDecimal("2.5"));
		assertThat(row.get("decimal", BigDecimal.class)).isEqualTo(new BigDecimal("12.50"));
		assertThat(row.get("flag", Boolean.class)).isTrue();
		assertThat(row.get("bytes", byte[].class)).containsExactly(0, 255);
		assertThatIllegalArgumentException().isThrownBy(() -> row.get("big", Integer.class));
		assertThatIllegalArgumentException().isThrownBy(() -> row.get("real", Integer.class));
		assertThatIllegalArgumentException().isThrownBy(() -> row.get("color", Instant.class));
		assertThatIllegalArgumentException().isThrownBy(() -> row.get("bytes", Integer.class));
	}

	@Test
	void declaredTypesShapeDefaultValuesAndMetadata() {
		TestDatabase.execute(this.factory, "CREATE TABLE t (i INTEGER NOT NULL, b BIGINT, f BOOLEAN, r REAL, "
				+ "s VARCHAR(20), d DECIMAL(10,2), x BLOB, n)");
		TestDatabase.execute(this.factory,
				"INSERT INTO t VALUES (1, 2, 1, 3, 'four', 5.5, x'06', 7), (3000000000, 2, 0, 3.5, 's', 1, x'', 'n')");
		List<List<Object>> rows = TestDatabase.query(this.factory, "SELECT * FROM t",
				(row) -> Flux.range(0, 8).map(row::get).collectList().block());
		assertThat(rows.get(0)).containsExactly(1, 2L, true, 3.0, "four", 5.5, ByteBuffer.wrap(new byte[] { 6 }), 7);
		assertThat(rows.get(1).get(0)).isEqualTo(3_000_000_000L);
		assertThat(rows.get(1).get(2)).isEqualTo(false);
		assertThat(rows.get(1).get(7)).isEqualTo("n");

		// a column without a declared type reports the storage class of the first row's
		// value
		RowMetadata metadata = TestDatabase.query(this.factory, "SELECT * FROM t", (row) -> ((Row) row).getMetadata())
			.get(0);
		assertThat(metadata.getColumnMetadatas()).extracting(ColumnMetadata::getJavaType)
			.containsExactly(Integer.class, Long.class, Boolean.class, Double.class, String.class, Object.class,
					ByteBuffer.class, Integer.class);
		assertThat(metadata.getColumnMetadata("s").getType().getName()).isEqualTo("VARCHAR");
		assertThat(metadata.getColumnMetadata("s").getPrecision()).isEqualTo(20);
		assertThat(metadata.getColumnMetadata("d").getScale()).isEqualTo(2);
		assertThat(metadata.getColumnMetadata("i").getNullability()).isEqualTo(Nullability.NON_NULL);
		assertThat(metadata.getColumnMetadata("b").getNullability()).isEqualTo(Nullability.NULLABLE);
	}

	private Row row(String sql) {
		List<Readable> rows = TestDatabase.query(this.factory, sql, (row) -> row);
		return (Row) rows.get(0);
	}

	enum Color {

		RED, GREEN

	}

}
