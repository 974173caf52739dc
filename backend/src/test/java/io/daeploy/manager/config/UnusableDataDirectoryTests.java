package io.daeploy.manager.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import io.daeploy.manager.TestManagers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A data directory the manager cannot use stops the start with what is wrong and what to
 * do, and the store in it is left exactly as it was: read-only, full, a file that is not
 * SQLite, a schema a newer manager wrote. Read-only and full are real file systems (small
 * tmpfs mounts the test makes as root and removes).
 */
@ExtendWith(OutputCaptureExtension.class)
class UnusableDataDirectoryTests {

	private Path mount;

	@AfterEach
	void unmount() throws Exception {
		if (this.mount != null) {
			run("umount", this.mount.toString());
		}
	}

	@Test
	void aFileThatIsNotSqliteIsLeftAlone(CapturedOutput output) throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-garbage-");
		Path database = dataDir.resolve("daeploy.db");
		Files.writeString(database, "this is not a database, but someone's notes\n");
		String before = digest(database);
		assertRefused(dataDir, "is not a SQLite database");
		assertThat(output.getAll()).contains("Move it away, or put a backup in its place");
		assertThat(digest(database)).isEqualTo(before);
	}

	@Test
	void aSchemaFromANewerManagerIsLeftAlone() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-newer-");
		Path database = dataDir.resolve("daeploy.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database)) {
			connection.createStatement()
				.execute("CREATE TABLE flyway_schema_history (installed_rank INT, version TEXT, description TEXT, "
						+ "type TEXT, script TEXT, checksum INT, installed_by TEXT, installed_on TEXT, "
						+ "execution_time INT, success BOOLEAN)");
			connection.createStatement()
				.execute("INSERT INTO flyway_schema_history VALUES (1, '999', 'from the future', 'SQL', "
						+ "'V999__future.sql', 0, 'daeploy', '2030-01-01', 1, 1)");
		}
		String before = digest(database);
		assertRefused(dataDir, "was written by a newer Daeploy Manager (schema version 999");
		assertThat(digest(database)).isEqualTo(before);
	}

	@Test
	void aReadOnlyDataDirectoryIsNamed() throws Exception {
		this.mount = Files.createTempDirectory("daeploy-readonly-");
		assertThat(run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", this.mount.toString())).isZero();
		assertRefused(this.mount, "cannot be written to");
	}

	@Test
	void aFullDiskIsNamed() throws Exception {
		this.mount = Files.createTempDirectory("daeploy-full-");
		assertThat(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", this.mount.toString())).isZero();
		Path database = this.mount.resolve("daeploy.db");
		Files.createFile(database);
		try {
			Files.write(this.mount.resolve("filler"), new byte[1024 * 1024]);
		}
		catch (IOException ex) {
			// full, as wanted
		}
		assertRefused(this.mount, "is full");
		assertThat(Files.size(database)).isZero();
	}

	private static void assertRefused(Path dataDir, String problem) {
		assertThatException()
			.isThrownBy(
					() -> TestManagers
						.start("--daeploy.data-dir=" + dataDir, "--daeploy.instance=unusable",
								"--daeploy.admin-password=unusable-password")
						.close())
			.satisfies((ex) -> {
				Throwable cause = ex;
				while (cause != null && !(cause instanceof UnusableDataDirectoryException)) {
					cause = cause.getCause();
				}
				assertThat(cause).as("the reason the start stopped").isNotNull();
				assertThat(cause.getMessage()).contains(problem);
			});
	}

	private static String digest(Path file) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
	}

	private static int run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).inheritIO().start();
		return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
	}

}
