package io.daeploy.r2dbc.sqlite;

import io.r2dbc.spi.ConnectionFactoryMetadata;

/**
 * Names the database for tools that pick a dialect by it, such as Spring Data R2DBC's
 * {@code DialectResolver}.
 */
public final class SqliteConnectionFactoryMetadata implements ConnectionFactoryMetadata {

	/**
	 * The product name: {@value}.
	 */
	public static final String NAME = "SQLite";

	static final SqliteConnectionFactoryMetadata INSTANCE = new SqliteConnectionFactoryMetadata();

	private SqliteConnectionFactoryMetadata() {
	}

	@Override
	public String getName() {
		return NAME;
	}

}
