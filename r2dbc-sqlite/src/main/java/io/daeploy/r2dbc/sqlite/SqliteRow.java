package io.daeploy.r2dbc.sqlite;

import io.r2dbc.spi.Row;

/**
 * One row of a result, read into memory. {@link #get(int, Class)} converts between
 * SQLite's storage classes and the requested type: an INTEGER as {@link Boolean}, a TEXT
 * as {@link java.time.Instant} or {@link java.util.UUID}, and so on.
 */
public final class SqliteRow implements Row {

	private final SqliteRowMetadata metadata;

	private final Object[] values;

	SqliteRow(SqliteRowMetadata metadata, Object[] values) {
		this.metadata = metadata;
		this.values = values;
	}

	@Override
	public SqliteRowMetadata getMetadata() {
		return this.metadata;
	}

	@Override
	public <T> T get(int index, Class<T> type) {
		SqliteColumnMetadata column = this.metadata.getColumnMetadata(index);
		return ValueCodec.decode(this.values[index], requireType(type), column);
	}

	@Override
	public <T> T get(String name, Class<T> type) {
		return get(this.metadata.indexOf(name), type);
	}

	private static <T> Class<T> requireType(Class<T> type) {
		if (type == null) {
			throw new IllegalArgumentException("type must not be null");
		}
		return type;
	}

}
