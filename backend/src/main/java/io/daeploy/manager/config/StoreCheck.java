package io.daeploy.manager.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Looks at the store before anything opens it for writing: a file that is not a SQLite
 * database, or one whose schema a newer manager wrote (a migration this version does not
 * have), stops the start. The file is only ever opened read-only here, so a store this
 * version cannot use is left exactly as it was.
 */
final class StoreCheck {

	private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

	private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.sql");

	private StoreCheck() {
	}

	static void check(Path database) {
		try {
			if (Files.size(database) == 0) {
				return;
			}
			byte[] header;
			try (InputStream in = Files.newInputStream(database)) {
				header = in.readNBytes(SQLITE_HEADER.length);
			}
			if (!Arrays.equals(header, SQLITE_HEADER)) {
				throw new UnusableDataDirectoryException(database + " is not a SQLite database",
						"Move it away, or put a backup in its place (see README, \"Backups\"); the manager did not"
								+ " touch it",
						null);
			}
		}
		catch (IOException ex) {
			throw new UnusableDataDirectoryException("Cannot read " + database + ": " + ex.getMessage(),
					"Check the file's permissions", ex);
		}
		int known = latestMigration();
		int stored = storedVersion(database);
		if (stored > known) {
			throw new UnusableDataDirectoryException(
					database + " was written by a newer Daeploy Manager (schema version " + stored
							+ "; this one knows up to " + known + ")",
					"Run that newer version, or start this one on a backup taken before the upgrade; the manager did"
							+ " not touch the file",
					null);
		}
	}

	private static int storedVersion(Path database) {
		Properties readOnly = new Properties();
		readOnly.setProperty("open_mode", "1");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database, readOnly);
				ResultSet tables = connection.createStatement()
					.executeQuery(
							"SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'flyway_schema_history'")) {
			if (!tables.next()) {
				return 0;
			}
			try (ResultSet versions = connection.createStatement()
				.executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1")) {
				int max = 0;
				while (versions.next()) {
					String version = versions.getString(1);
					if (version != null && version.matches("\\d+")) {
						max = Math.max(max, Integer.parseInt(version));
					}
				}
				return max;
			}
		}
		catch (SQLException ex) {
			throw new UnusableDataDirectoryException(
					database + " cannot be read as a SQLite database (" + ex.getMessage() + ")",
					"Move it away, or put a backup in its place (see README, \"Backups\")", ex);
		}
	}

	private static int latestMigration() {
		try {
			int max = 0;
			for (Resource resource : new PathMatchingResourcePatternResolver()
				.getResources("classpath*:db/migration/V*__*.sql")) {
				Matcher matcher = MIGRATION.matcher(String.valueOf(resource.getFilename()));
				if (matcher.matches()) {
					max = Math.max(max, Integer.parseInt(matcher.group(1)));
				}
			}
			return max;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot list the store's migrations", ex);
		}
	}

}
