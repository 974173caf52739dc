package io.daeploy.r2dbc.sqlite;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;

import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.r2dbc.dialect.R2dbcDialect;
import org.springframework.data.relational.core.dialect.AbstractDialect;
import org.springframework.data.relational.core.dialect.InsertRenderContext;
import org.springframework.data.relational.core.dialect.LimitClause;
import org.springframework.data.relational.core.dialect.LockClause;
import org.springframework.data.relational.core.sql.IdentifierProcessing;
import org.springframework.data.relational.core.sql.IdentifierProcessing.LetterCasing;
import org.springframework.data.relational.core.sql.IdentifierProcessing.Quoting;
import org.springframework.data.relational.core.sql.LockOptions;
import org.springframework.r2dbc.core.binding.BindMarkersFactory;

/**
 * Spring Data R2DBC dialect for SQLite: {@code ?} bind markers, {@code LIMIT n OFFSET m},
 * no lock clause (SQLite locks the whole database; a write transaction holds the write
 * lock from {@code BEGIN IMMEDIATE}), double-quoted identifiers kept as written (SQLite
 * matches them case-insensitively), and {@code INSERT ... DEFAULT VALUES}.
 * <p>
 * Spring Data reads each column with {@code Row.get(name)} and converts the value itself;
 * SQLite returns date-times as text and booleans as integers, so this dialect adds the
 * reading converters from the text {@link SqliteConnection} writes to {@link Instant},
 * {@link LocalDateTime}, {@link LocalDate}, {@link LocalTime}, {@link OffsetDateTime} and
 * {@link ZonedDateTime}, and from integers to {@link Boolean}.
 */
public class SqliteDialect extends AbstractDialect implements R2dbcDialect {

	public static final SqliteDialect INSTANCE = new SqliteDialect();

	private static final BindMarkersFactory ANONYMOUS = BindMarkersFactory.anonymous("?");

	private static final IdentifierProcessing IDENTIFIER_PROCESSING = IdentifierProcessing.create(Quoting.ANSI,
			LetterCasing.AS_IS);

	private static final LimitClause LIMIT_CLAUSE = new LimitClause() {

		@Override
		public String getLimit(long limit) {
			return "LIMIT " + limit;
		}

		@Override
		public String getOffset(long offset) {
			// SQLite has no OFFSET without LIMIT; a negative limit means no limit
			return "LIMIT -1 OFFSET " + offset;
		}

		@Override
		public String getLimitOffset(long limit, long offset) {
			return "LIMIT " + limit + " OFFSET " + offset;
		}

		@Override
		public Position getClausePosition() {
			return Position.AFTER_ORDER_BY;
		}

	};

	private static final LockClause NO_LOCK_CLAUSE = new LockClause() {

		@Override
		public String getLock(LockOptions lockOptions) {
			return "";
		}

		@Override
		public Position getClausePosition() {
			return Position.AFTER_ORDER_BY;
		}

	};

	private static final InsertRenderContext INSERT_RENDER_CONTEXT = () -> " DEFAULT VALUES";

	@Override
	public BindMarkersFactory getBindMarkersFactory() {
		return ANONYMOUS;
	}

	@Override
	public LimitClause limit() {
		return LIMIT_CLAUSE;
	}

	@Override
	public LockClause lock() {
		return NO_LOCK_CLAUSE;
	}

	@Override
	public IdentifierProcessing getIdentifierProcessing() {
		return IDENTIFIER_PROCESSING;
	}

	@Override
	public InsertRenderContext getInsertRenderContext() {
		return INSERT_RENDER_CONTEXT;
	}

	@Override
	public Collection<Object> getConverters() {
		return List.of(TextToInstant.INSTANCE, TextToLocalDateTime.INSTANCE, TextToLocalDate.INSTANCE,
				TextToLocalTime.INSTANCE, TextToOffsetDateTime.INSTANCE, TextToZonedDateTime.INSTANCE,
				NumberToBoolean.INSTANCE);
	}

	@ReadingConverter
	enum TextToInstant implements Converter<String, Instant> {

		INSTANCE;

		@Override
		public Instant convert(String source) {
			return ValueCodec.decode(source, Instant.class, null);
		}

	}

	@ReadingConverter
	enum TextToLocalDateTime implements Converter<String, LocalDateTime> {

		INSTANCE;

		@Override
		public LocalDateTime convert(String source) {
			return ValueCodec.decode(source, LocalDateTime.class, null);
		}

	}

	@ReadingConverter
	enum TextToLocalDate implements Converter<String, LocalDate> {

		INSTANCE;

		@Override
		public LocalDate convert(String source) {
			return ValueCodec.decode(source, LocalDate.class, null);
		}

	}

	@ReadingConverter
	enum TextToLocalTime implements Converter<String, LocalTime> {

		INSTANCE;

		@Override
		public LocalTime convert(String source) {
			return ValueCodec.decode(source, LocalTime.class, null);
		}

	}

	@ReadingConverter
	enum TextToOffsetDateTime implements Converter<String, OffsetDateTime> {

		INSTANCE;

		@Override
		public OffsetDateTime convert(String source) {
			return ValueCodec.decode(source, OffsetDateTime.class, null);
		}

	}

	@ReadingConverter
	enum TextToZonedDateTime implements Converter<String, ZonedDateTime> {

		INSTANCE;

		@Override
		public ZonedDateTime convert(String source) {
			return ValueCodec.decode(source, ZonedDateTime.class, null);
		}

	}

	@ReadingConverter
	enum NumberToBoolean implements Converter<Number, Boolean> {

		INSTANCE;

		@Override
		public Boolean convert(Number source) {
			return source.longValue() != 0;
		}

	}

}
