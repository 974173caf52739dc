package io.daeploy.r2dbc.sqlite;

import java.util.List;
import java.util.NoSuchElementException;

import io.r2dbc.spi.RowMetadata;

/**
 * The columns of a result, in select order. Names match case-insensitively; with
 * duplicate names the first column wins.
 */
public final class SqliteRowMetadata implements RowMetadata {

	private final List<SqliteColumnMetadata> columns;

	SqliteRowMetadata(List<SqliteColumnMetadata> columns) {
		this.columns = List.copyOf(columns);
	}

	@Override
	public SqliteColumnMetadata getColumnMetadata(int index) {
		if (index < 0 || index >= this.columns.size()) {
			throw new IndexOutOfBoundsException(
					"Column index " + index + " is out of range; the result has " + this.columns.size() + " columns");
		}
		return this.columns.get(index);
	}

	@Override
	public SqliteColumnMetadata getColumnMetadata(String name) {
		return this.columns.get(indexOf(name));
	}

	@Override
	public List<SqliteColumnMetadata> getColumnMetadatas() {
		return this.columns;
	}

	@Override
	public boolean contains(String columnName) {
		return find(columnName) != -1;
	}

	int indexOf(String name) {
		int index = find(name);
		if (index == -1) {
			throw new NoSuchElementException("No column named '" + name + "' in " + this.columns);
		}
		return index;
	}

	private int find(String name) {
		if (name == null) {
			throw new IllegalArgumentException("name must not be null");
		}
		for (int i = 0; i < this.columns.size(); i++) {
			if (this.columns.get(i).getName().equalsIgnoreCase(name)) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public String toString() {
		return this.columns.toString();
	}

}
