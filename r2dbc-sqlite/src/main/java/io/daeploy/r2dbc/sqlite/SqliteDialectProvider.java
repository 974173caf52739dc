package io.daeploy.r2dbc.sqlite;

import java.util.Optional;

import io.r2dbc.spi.ConnectionFactory;

import org.springframework.data.r2dbc.dialect.DialectResolver;
import org.springframework.data.r2dbc.dialect.R2dbcDialect;

/**
 * Gives Spring Data R2DBC's {@link DialectResolver} the {@link SqliteDialect} for
 * connection factories named {@value SqliteConnectionFactoryMetadata#NAME} (a pool over
 * one reports its driver's name). Registered in {@code META-INF/spring.factories}.
 */
public class SqliteDialectProvider implements DialectResolver.R2dbcDialectProvider {

	@Override
	public Optional<R2dbcDialect> getDialect(ConnectionFactory connectionFactory) {
		if (SqliteConnectionFactoryMetadata.NAME.equalsIgnoreCase(connectionFactory.getMetadata().getName())) {
			return Optional.of(SqliteDialect.INSTANCE);
		}
		return Optional.empty();
	}

}
