package io.daeploy.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hosts the command line knows, each with its token, and the active one. Kept in
 * {@code daeployconfig.json}, in the original's format ({@code {"active_host": ...,
 * "access_tokens": {host: token}}}), in a directory only its owner may enter, in a file
 * only its owner may read.
 */
final class Config {

	static final String FILE = "daeployconfig.json";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path directory;

	private final Map<String, String> tokens;

	private String activeHost;

	private Config(Path directory, String activeHost, Map<String, String> tokens) {
		this.directory = directory;
		this.activeHost = activeHost;
		this.tokens = tokens;
	}

	/**
	 * Reads the configuration, or starts an empty one when there is none.
	 * @param directory where it lives
	 * @return the configuration
	 */
	static Config load(Path directory) {
		Path file = directory.resolve(FILE);
		Map<String, String> tokens = new LinkedHashMap<>();
		if (!Files.exists(file)) {
			return new Config(directory, null, tokens);
		}
		try {
			JsonNode root = JSON.readTree(Files.readString(file));
			JsonNode given = root.path("access_tokens");
			for (Map.Entry<String, JsonNode> entry : given.properties()) {
				tokens.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asString());
			}
			JsonNode active = root.path("active_host");
			return new Config(directory, active.isString() ? active.asString() : null, tokens);
		}
		catch (IOException ex) {
			throw new CliException("Cannot read " + file + ": " + ex.getMessage());
		}
		catch (JacksonException ex) {
			throw new CliException(file + " is not valid JSON; remove it and log in again");
		}
	}

	/**
	 * The active host.
	 * @return its URL, or null when none is active
	 */
	String activeHost() {
		return this.activeHost;
	}

	/**
	 * The token of a host.
	 * @param host the host's URL
	 * @return its token ({@code ""} for a manager without authentication), or null when
	 * the host is not known
	 */
	String token(String host) {
		return this.tokens.get(host);
	}

	/**
	 * The hosts known, in the order they were first logged in to.
	 * @return their URLs
	 */
	Iterable<String> hosts() {
		return this.tokens.keySet();
	}

	/**
	 * Remembers a host's token and makes it the active host.
	 * @param host the host's URL
	 * @param token its token
	 */
	void activate(String host, String token) {
		this.tokens.put(host, token);
		this.activeHost = host;
	}

	/**
	 * Forgets a host; when it was the active one, none is active.
	 * @param host the host's URL
	 * @return whether it was known
	 */
	boolean forget(String host) {
		boolean known = this.tokens.remove(host) != null;
		if (host.equals(this.activeHost)) {
			this.activeHost = null;
		}
		return known;
	}

	/**
	 * Writes the configuration: the directory is made owner-only (0700) and the file is
	 * written owner-only (0600) to a temporary file first, then moved over the old one.
	 */
	void save() {
		ObjectNode root = JSON.createObjectNode();
		if (this.activeHost != null) {
			root.put("active_host", this.activeHost);
		}
		else {
			root.putNull("active_host");
		}
		ObjectNode tokens = root.putObject("access_tokens");
		this.tokens.forEach(tokens::put);
		try {
			boolean posix = this.directory.getFileSystem().supportedFileAttributeViews().contains("posix");
			if (!Files.isDirectory(this.directory)) {
				Files.createDirectories(this.directory);
			}
			if (posix) {
				Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwx------"));
			}
			Path temporary = this.directory.resolve(FILE + ".tmp");
			Files.deleteIfExists(temporary);
			if (posix) {
				Files.createFile(temporary,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			}
			Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
			try {
				Files.move(temporary, this.directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
						StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, this.directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (FileAlreadyExistsException ex) {
			throw new CliException("Cannot write " + ex.getFile() + ": it exists");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the configuration in " + this.directory, ex);
		}
	}

}
