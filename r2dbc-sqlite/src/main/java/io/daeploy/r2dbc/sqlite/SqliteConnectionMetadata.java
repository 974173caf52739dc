package io.daeploy.r2dbc.sqlite;

import io.r2dbc.spi.ConnectionMetadata;

/**
 * The product name and the SQLite library version of a connection.
 */
final class SqliteConnectionMetadata implements ConnectionMetadata {

	private final String version;

	SqliteConnectionMetadata(String version) {
		this.version = version;
	}

	@Override
	public String getDatabaseProductName() {
		return SqliteConnectionFactoryMetadata.NAME;
	}

	@Override
	public String getDatabaseVersion() {
		return this.version;
	}

}
