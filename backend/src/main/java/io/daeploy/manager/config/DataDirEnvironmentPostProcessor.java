package io.daeploy.manager.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the R2DBC connection factory and Flyway at the SQLite file in
 * {@code daeploy.data-dir}, creating the directory when missing. Explicit
 * {@code spring.r2dbc.url} or {@code spring.flyway.url} settings win.
 */
class DataDirEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String DATABASE_FILE = "daeploy.db";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Path dataDir = Path.of(environment.getProperty("daeploy.data-dir", "./data")).toAbsolutePath().normalize();
		try {
			Files.createDirectories(dataDir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the data directory " + dataDir, ex);
		}
		Path database = dataDir.resolve(DATABASE_FILE);
		Map<String, Object> properties = new LinkedHashMap<>();
		if (!environment.containsProperty("spring.r2dbc.url")) {
			properties.put("spring.r2dbc.url", "r2dbc:sqlite://" + database);
		}
		if (!environment.containsProperty("spring.flyway.url")) {
			properties.put("spring.flyway.url", "jdbc:sqlite:" + database);
		}
		environment.getPropertySources().addLast(new MapPropertySource("daeployDataDir", properties));
	}

}
