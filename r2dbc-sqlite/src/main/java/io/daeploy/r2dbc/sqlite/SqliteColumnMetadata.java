package io.daeploy.r2dbc.sqlite;

import java.nio.ByteBuffer;
import java.util.Locale;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Type;

/**
 * A result column: its label, declared type and the Java type {@code Row.get(name)}
 * returns for it.
 * <p>
 * SQLite types values, not columns. The Java type follows the declared type: a type
 * containing {@code BOOL} reads as {@link Boolean}, {@code BIGINT}/{@code INT8} as
 * {@link Long}, other {@code INT} types as {@link Integer} (or {@link Long} for values
 * outside the int range), {@code REAL}/{@code FLOA}/{@code DOUB} as {@link Double},
 * {@code CHAR}/{@code CLOB}/{@code TEXT} as {@link String}, {@code BLOB} as
 * {@link ByteBuffer}. Anything else (NUMERIC, DECIMAL, DATE, ...) reads as whatever the
 * value's storage class gives. A column without a declared type (an expression) is typed
 * by the storage class of the first row's value.
 */
public final class SqliteColumnMetadata implements ColumnMetadata {

	private final String name;

	private final SqliteType type;

	private final Kind kind;

	private final Nullability nullability;

	private final Integer precision;

	private final Integer scale;

	SqliteColumnMetadata(String name, String declaredType, Nullability nullability, int precision, int scale) {
		this.name = name;
		this.kind = Kind.of(declaredType);
		this.type = new SqliteType((declaredType != null) ? declaredType : "", this.kind.javaType);
		this.nullability = nullability;
		this.precision = (precision > 0) ? precision : null;
		this.scale = (precision > 0) ? scale : null;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Type getType() {
		return this.type;
	}

	@Override
	public Class<?> getJavaType() {
		return this.kind.javaType;
	}

	@Override
	public Nullability getNullability() {
		return this.nullability;
	}

	@Override
	public Integer getPrecision() {
		return this.precision;
	}

	@Override
	public Integer getScale() {
		return this.scale;
	}

	@Override
	public Object getNativeTypeMetadata() {
		return this.type.getName();
	}

	Kind kind() {
		return this.kind;
	}

	@Override
	public String toString() {
		return this.name + " " + this.type.getName();
	}

	/**
	 * What a declared type means for reading, after SQLite's affinity rules.
	 */
	enum Kind {

		BOOLEAN(Boolean.class), BIGINT(Long.class), INTEGER(Integer.class), REAL(Double.class), TEXT(String.class),
		BLOB(ByteBuffer.class), OTHER(Object.class);

		private final Class<?> javaType;

		Kind(Class<?> javaType) {
			this.javaType = javaType;
		}

		static Kind of(String declaredType) {
			if (declaredType == null || declaredType.isBlank()) {
				return OTHER;
			}
			String type = declaredType.toUpperCase(Locale.ROOT);
			if (type.contains("BOOL")) {
				return BOOLEAN;
			}
			if (type.contains("BIGINT") || type.contains("INT8") || type.contains("BIG INT")) {
				return BIGINT;
			}
			if (type.contains("INT")) {
				return INTEGER;
			}
			if (type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT")) {
				return TEXT;
			}
			if (type.contains("BLOB")) {
				return BLOB;
			}
			if (type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB")) {
				return REAL;
			}
			return OTHER;
		}

	}

	/**
	 * A declared SQLite type.
	 *
	 * @param name the declared type as written in the schema, upper case
	 * @param javaType the Java type values of this column read as by default
	 */
	record SqliteType(String name, Class<?> javaType) implements Type {

		@Override
		public Class<?> getJavaType() {
			return this.javaType;
		}

		@Override
		public String getName() {
			return this.name;
		}

	}

}
