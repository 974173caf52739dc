package io.daeploy.manager.proxy.traefik;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import io.daeploy.manager.proxy.RouteTable;

/**
 * Keeps Traefik's files on disk: the static {@code traefik.toml} and the dynamic files of
 * the current {@link RouteTable}, in one flat directory (Traefik's file provider does not
 * watch subdirectories). Layout under the given directory (normally
 * {@code <dataDir>/traefik}):
 * <ul>
 * <li>{@code traefik.toml}: the static configuration</li>
 * <li>{@code dynamic/}: one file per service name and per version, plus
 * {@code manager.toml}</li>
 * <li>{@code access.log}: where Traefik writes its JSON access log</li>
 * </ul>
 * Every write is atomic: the content goes to a temporary file in the same directory whose
 * name does not end in {@code .toml} (so Traefik never reads half a file), which is then
 * moved over the target. Files whose content did not change are not rewritten, so Traefik
 * only reloads what changed. Safe to call from several threads.
 */
public final class TraefikFiles {

	private static final String SUFFIX = ".toml";

	private final Path directory;

	private final Path dynamicDirectory;

	private final TraefikConfig config;

	/**
	 * Creates the files' keeper; nothing is written until asked.
	 * @param directory the directory of Traefik's files, e.g. {@code <dataDir>/traefik}
	 * @param config renders the files' content
	 */
	public TraefikFiles(Path directory, TraefikConfig config) {
		this.directory = directory.toAbsolutePath().normalize();
		this.dynamicDirectory = this.directory.resolve("dynamic");
		this.config = config;
	}

	/**
	 * The static configuration file, the one Traefik is started with.
	 * @return {@code <directory>/traefik.toml}
	 */
	public Path staticFile() {
		return this.directory.resolve("traefik.toml");
	}

	/**
	 * The directory of the dynamic files, the one Traefik's file provider watches.
	 * @return {@code <directory>/dynamic}
	 */
	public Path dynamicDirectory() {
		return this.dynamicDirectory;
	}

	/**
	 * The JSON access log the static configuration makes Traefik write.
	 * @return {@code <directory>/access.log}
	 */
	public Path accessLog() {
		return this.directory.resolve("access.log");
	}

	/**
	 * Writes the static configuration, unless it already holds the same content.
	 */
	public synchronized void writeStatic() {
		createDirectories(this.directory);
		writeIfChanged(staticFile(),
				this.config.staticConfig(this.dynamicDirectory.toString(), accessLog().toString()));
	}

	/**
	 * Rebuilds the dynamic directory from the table, at start: every file that is not
	 * part of the table (stale files of an earlier run, left-over temporary files) is
	 * deleted.
	 * @param table what to route
	 */
	public synchronized void rebuild(RouteTable table) {
		sync(table, true);
	}

	/**
	 * Brings the dynamic directory in line with the table: new and changed files are
	 * written, files of routes no longer in the table are deleted, unchanged files are
	 * left alone.
	 * @param table what to route
	 */
	public synchronized void write(RouteTable table) {
		sync(table, false);
	}

	private void sync(RouteTable table, boolean everyStaleFile) {
		createDirectories(this.dynamicDirectory);
		Map<String, String> files = this.config.dynamicFiles(table);
		files.forEach((name, content) -> writeIfChanged(this.dynamicDirectory.resolve(name), content));
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.dynamicDirectory)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				boolean ours = everyStaleFile || name.endsWith(SUFFIX);
				if (ours && !files.containsKey(name) && Files.isRegularFile(entry)) {
					Files.deleteIfExists(entry);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not clean " + this.dynamicDirectory, ex);
		}
	}

	private static void writeIfChanged(Path target, String content) {
		byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
		try {
			if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
				return;
			}
			Path temporary = target.resolveSibling(
					"." + target.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
			try {
				Files.write(temporary, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			finally {
				Files.deleteIfExists(temporary);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + target, ex);
		}
	}

	private static void createDirectories(Path directory) {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create " + directory, ex);
		}
	}

}
