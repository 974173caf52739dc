package io.daeploy.manager.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.daeploy.r2dbc.sqlite.SqliteConnectionConfiguration;
import io.daeploy.r2dbc.sqlite.SqliteConnectionFactory;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The SQLite file in {@code daeploy.data-dir}: Flyway migrates it over JDBC at start
 * ({@code spring.flyway.url} in {@code application.properties}), the manager uses it
 * through our R2DBC driver and a small pool.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

	@Bean(destroyMethod = "dispose")
	ConnectionPool connectionFactory(DaeployProperties properties) {
		SqliteConnectionFactory sqlite = new SqliteConnectionFactory(
				SqliteConnectionConfiguration.builder().path(database(properties).toString()).build());
		return new ConnectionPool(ConnectionPoolConfiguration.builder(sqlite)
			.initialSize(1)
			.maxSize(8)
			.maxIdleTime(Duration.ofMinutes(10))
			.build());
	}

	@Bean
	FlywayConfigurationCustomizer dataDirectory(DaeployProperties properties) {
		return (configuration) -> database(properties);
	}

	/**
	 * The database file, creating its directory when missing.
	 * @param properties the settings
	 * @return the absolute path of {@code daeploy.db}
	 */
	static Path database(DaeployProperties properties) {
		Path dataDir = properties.dataDir().toAbsolutePath().normalize();
		try {
			Files.createDirectories(dataDir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the data directory " + dataDir, ex);
		}
		return dataDir.resolve("daeploy.db");
	}

}
