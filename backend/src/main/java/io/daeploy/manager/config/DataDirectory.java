package io.daeploy.manager.config;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Makes the data directory owner-only before anything writes into it. It holds the SQLite
 * file (with the JWT signing secret and password hashes), the manager's log and generated
 * configuration, so neither it nor its {@code logs} directory is readable by others; the
 * database file is created owner-only too (SQLite gives its WAL and shared memory files
 * the database's permissions). This runs as an environment post-processor, before Spring
 * Boot's logging opens its file in there. A directory that exists already keeps its
 * permissions, with a warning when others can read it.
 */
public class DataDirectory implements EnvironmentPostProcessor {

	private final Log logger;

	public DataDirectory(DeferredLogFactory logs) {
		this.logger = logs.getLog(DataDirectory.class);
	}

	static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

	static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Path dataDir = Path.of(environment.getProperty("daeploy.data-dir", "./data")).toAbsolutePath().normalize();
		prepare(dataDir, this.logger);
	}

	/**
	 * Creates the data directory, its {@code logs} directory and the database file
	 * owner-only when they are missing.
	 * @param dataDir the data directory
	 * @param logger where to warn
	 */
	static void prepare(Path dataDir, Log logger) {
		Path database = dataDir.resolve("daeploy.db");
		try {
			createOwnerOnly(dataDir, logger);
			createOwnerOnly(dataDir.resolve("logs"), logger);
			probeWritable(dataDir);
			if (!Files.exists(database)) {
				// an empty file is an empty SQLite database
				Files.createFile(database, PosixFilePermissions.asFileAttribute(OWNER_FILE));
			}
		}
		catch (FileSystemException ex) {
			throw unusable(dataDir, ex);
		}
		catch (IOException ex) {
			throw unusable(dataDir, ex);
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: leave permissions to it
		}
		StoreCheck.check(database);
	}

	/**
	 * Writes and removes a small file, so that a read-only or full data directory stops
	 * the start here, with its reason, before anything half-writes the store.
	 */
	private static void probeWritable(Path dataDir) throws IOException {
		Path probe = dataDir.resolve(".write-probe");
		try {
			Files.write(probe, new byte[64 * 1024]);
		}
		finally {
			Files.deleteIfExists(probe);
		}
	}

	private static UnusableDataDirectoryException unusable(Path dataDir, IOException ex) {
		String reason = String.valueOf(ex.getMessage()).toLowerCase(java.util.Locale.ROOT);
		if (reason.contains("read-only") || ex instanceof java.nio.file.AccessDeniedException) {
			return new UnusableDataDirectoryException(
					"The data directory " + dataDir + " cannot be written to (" + ex.getMessage() + ")",
					"Mount it read-write, or point DAEPLOY_DATA_DIR at a writable directory", ex);
		}
		if (reason.contains("no space")) {
			return new UnusableDataDirectoryException("The disk of the data directory " + dataDir + " is full",
					"Free some space there (old backups live in backups/), then start the manager again", ex);
		}
		return new UnusableDataDirectoryException(
				"The data directory " + dataDir + " cannot be used: " + ex.getMessage(),
				"Check that it is a directory the manager's user may write", ex);
	}

	private static void createOwnerOnly(Path directory, Log logger) throws IOException {
		if (Files.isDirectory(directory)) {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
			if (permissions.contains(PosixFilePermission.OTHERS_READ)
					|| permissions.contains(PosixFilePermission.GROUP_READ)) {
				logger.warn(directory + " is readable by others (" + PosixFilePermissions.toString(permissions)
						+ "); it holds the manager's secrets: chmod 700 it");
			}
			return;
		}
		Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
		// createDirectories applies the umask: set them exactly
		Files.setPosixFilePermissions(directory, OWNER_ONLY);
	}

}
