package io.daeploy.manager.original;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.daeploy.manager.config.UnusableDataDirectoryException;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.service.OriginalContainers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.sqlite.SQLiteConfig;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Moves the original Daeploy's data into a new store in one step
 * ({@code DAEPLOY_IMPORT_FROM}), right after the migrations of a first start, before
 * anything reads the store: its users with their bcrypt hashes, its JWT signing secret
 * (so the tokens it issued still verify), its API and service tokens by id (so they stay
 * valid, and become revocable), and its services. Their containers are taken over once
 * the engine answers ({@link OriginalAdoption}).
 * <p>
 * The original's file is only read. Everything is written in one transaction, with a
 * marker, so a second start never imports again; a store that already holds data is not
 * imported into. A file that is not the original's database stops the start with what is
 * wrong.
 */
@Component
class OriginalImport implements Callback {

	/** Set once imported: from where and when. */
	static final String IMPORTED_KEY = "original.imported";

	/** The service versions whose original containers are still to take over. */
	static final String PENDING_KEY = "original.adopt";

	/** The subject of the original's API tokens: they had no owner. */
	static final String API_SUBJECT = "original:api-token";

	/** The original's user whose role is admin; it had no other roles. */
	private static final String ADMIN = "admin";

	private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

	/** The tables and columns of the original's schema (behaviour reference §8.6). */
	private static final Map<String, Set<String>> SCHEMA = Map.of("users", Set.of("id", "name", "password"), "tokens",
			Set.of("uuid", "created_at"), "config", Set.of("key", "value"), "services",
			Set.of("id", "name", "version", "image", "url", "main", "token_uuid"));

	/** SQLAlchemy's DATETIME text: {@code 2021-03-04 05:06:07.123456}. */
	private static final DateTimeFormatter DATETIME = new DateTimeFormatterBuilder()
		.appendPattern("yyyy-MM-dd[ ]['T']HH:mm:ss")
		.optionalStart()
		.appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
		.optionalEnd()
		.toFormatter();

	private static final Log logger = LogFactory.getLog(OriginalImport.class);

	private final Path source;

	private final JsonMapper json = JsonMapper.builder().build();

	OriginalImport(OriginalImportSettings settings) {
		this.source = settings.importFrom();
	}

	@Override
	public boolean supports(Event event, Context context) {
		return event == Event.AFTER_MIGRATE && this.source != null;
	}

	@Override
	public boolean canHandleInTransaction(Event event, Context context) {
		return true;
	}

	@Override
	public String getCallbackName() {
		return "original Daeploy import";
	}

	@Override
	public void handle(Event event, Context context) {
		try {
			importInto(context.getConnection());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not import " + this.source + ": " + ex.getMessage(), ex);
		}
	}

	private void importInto(Connection store) throws SQLException {
		String imported = configValue(store, IMPORTED_KEY);
		if (imported != null) {
			logger.info("The original Daeploy's data was imported before (" + imported + "); DAEPLOY_IMPORT_FROM"
					+ " is not read again and can be unset");
			return;
		}
		if (count(store, "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM config)"
				+ " + (SELECT COUNT(*) FROM services)") > 0) {
			throw new UnusableDataDirectoryException(
					"DAEPLOY_IMPORT_FROM is set, but the data directory already holds a store of its own",
					"Import into a new data directory (an empty DAEPLOY_DATA_DIR), or unset DAEPLOY_IMPORT_FROM", null);
		}
		Original original = read();
		boolean autoCommit = store.getAutoCommit();
		store.setAutoCommit(false);
		try {
			write(store, original);
			store.commit();
		}
		catch (SQLException | RuntimeException ex) {
			store.rollback();
			throw ex;
		}
		finally {
			store.setAutoCommit(autoCommit);
		}
		logger.info("Imported the original Daeploy's data from " + this.source + ": " + original.users().size()
				+ " users, " + original.tokens().size() + " tokens, " + original.services().size()
				+ " services (their containers are taken over once the engine answers)");
	}

	private Original read() {
		Path file = this.source.toAbsolutePath().normalize();
		if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
			throw unusable(file + " cannot be read (it is missing, not a file, or not readable)");
		}
		try (var in = Files.newInputStream(file)) {
			if (!java.util.Arrays.equals(in.readNBytes(SQLITE_HEADER.length), SQLITE_HEADER)) {
				throw unusable(file + " is not a SQLite database");
			}
		}
		catch (java.io.IOException ex) {
			throw unusable("Cannot read " + file + ": " + ex.getMessage());
		}
		SQLiteConfig readOnly = new SQLiteConfig();
		readOnly.setReadOnly(true);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, readOnly.toProperties())) {
			checkSchema(connection, file);
			return new Original(secret(connection, file), users(connection), tokens(connection, file),
					services(connection, file));
		}
		catch (SQLException ex) {
			throw unusable("Cannot read " + file + " as the original Daeploy's database: " + ex.getMessage());
		}
	}

	private static void checkSchema(Connection connection, Path file) throws SQLException {
		for (Map.Entry<String, Set<String>> table : SCHEMA.entrySet()) {
			Set<String> columns = new java.util.HashSet<>();
			try (PreparedStatement query = connection.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
				query.setString(1, table.getKey());
				try (ResultSet rows = query.executeQuery()) {
					while (rows.next()) {
						columns.add(rows.getString(1).toLowerCase(java.util.Locale.ROOT));
					}
				}
			}
			if (columns.isEmpty()) {
				throw unusable(file + " is not the original Daeploy's database: it has no table " + table.getKey());
			}
			if (!columns.containsAll(table.getValue())) {
				List<String> missing = table.getValue().stream().filter((c) -> !columns.contains(c)).sorted().toList();
				throw unusable(file + " is not the original Daeploy's database: table " + table.getKey() + " lacks "
						+ String.join(", ", missing));
			}
		}
	}

	private static String secret(Connection connection, Path file) throws SQLException {
		try (Statement query = connection.createStatement();
				ResultSet row = query.executeQuery("SELECT value FROM config WHERE key = 'JWT_TOKEN_SECRET'")) {
			String secret = row.next() ? row.getString(1) : null;
			// PyJWT signs with the secret's text as it is: its UTF-8 bytes are the key
			if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
				throw unusable(file + " has no usable JWT_TOKEN_SECRET in its config table");
			}
			return secret;
		}
	}

	private static List<OriginalUser> users(Connection connection) throws SQLException {
		List<OriginalUser> users = new ArrayList<>();
		try (Statement query = connection.createStatement();
				ResultSet rows = query.executeQuery("SELECT name, password FROM users ORDER BY id")) {
			while (rows.next()) {
				String name = rows.getString(1);
				// bcrypt's hashpw gives bytes, which SQLAlchemy stores as a BLOB
				Object stored = rows.getObject(2);
				String hash = (stored instanceof byte[] bytes) ? new String(bytes, StandardCharsets.US_ASCII)
						: String.valueOf(stored);
				if (name == null || !USERNAME.matcher(name).matches()) {
					logger.warn("Not imported: user '" + name + "' (a user name here is lower-case letters, digits,"
							+ " '.', '_' and '-'); create it again under another name");
					continue;
				}
				if (!hash.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
					logger.warn("Not imported: user '" + name + "', whose password is not a bcrypt hash");
					continue;
				}
				users.add(new OriginalUser(name, hash));
			}
		}
		return users;
	}

	private static List<OriginalToken> tokens(Connection connection, Path file) throws SQLException {
		List<OriginalToken> tokens = new ArrayList<>();
		try (Statement query = connection.createStatement();
				ResultSet rows = query.executeQuery("SELECT uuid, created_at FROM tokens")) {
			while (rows.next()) {
				String id = rows.getString(1);
				if (id == null || id.isBlank() || id.length() > 64) {
					throw unusable(file + " holds a token without a usable uuid");
				}
				tokens.add(new OriginalToken(id, instant(rows.getString(2))));
			}
		}
		return tokens;
	}

	private static List<OriginalService> services(Connection connection, Path file) throws SQLException {
		List<OriginalService> services = new ArrayList<>();
		try (Statement query = connection.createStatement();
				ResultSet rows = query
					.executeQuery("SELECT name, version, image, url, main, token_uuid FROM services ORDER BY id")) {
			while (rows.next()) {
				String name = rows.getString(1);
				String version = rows.getString(2);
				try {
					OriginalContainers.check(name, version);
				}
				catch (DaeployException ex) {
					throw unusable(file + " holds a service this manager cannot run: " + ex.getMessage());
				}
				String image = rows.getString(3);
				if (image == null || image.isBlank()) {
					throw unusable(file + " holds service " + name + " " + version + " without an image");
				}
				services.add(new OriginalService(name, version, image, port(rows.getString(4)), rows.getBoolean(5),
						rows.getString(6)));
			}
		}
		return services;
	}

	/**
	 * The service's port from the original's URL:
	 * {@code http://daeploy-<name>-<version>:<port>} when the original ran in its
	 * container; on the host its URL named a published port, not the service's, so the
	 * SDK's 8000 stands until the container is taken over.
	 */
	static int port(String url) {
		if (url == null) {
			return 8000;
		}
		try {
			java.net.URI uri = java.net.URI.create(url);
			boolean onHost = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
			return (!onHost && uri.getPort() > 0) ? uri.getPort() : 8000;
		}
		catch (IllegalArgumentException ex) {
			return 8000;
		}
	}

	private void write(Connection store, Original original) throws SQLException {
		String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
		String key = Base64.getEncoder().encodeToString(original.secret().getBytes(StandardCharsets.UTF_8));
		setConfig(store, "jwt.secret", key);
		for (OriginalUser user : original.users()) {
			try (PreparedStatement insert = store.prepareStatement(
					"INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)")) {
				insert.setString(1, user.name());
				insert.setString(2, "{bcrypt}" + user.hash());
				insert.setString(3, ADMIN.equals(user.name()) ? "ADMIN" : "USER");
				insert.setString(4, now);
				insert.executeUpdate();
			}
		}
		Map<String, OriginalService> byToken = new HashMap<>();
		original.services().stream().filter((s) -> s.tokenId() != null).forEach((s) -> byToken.put(s.tokenId(), s));
		Set<String> tokenIds = new java.util.HashSet<>();
		for (OriginalToken token : original.tokens()) {
			OriginalService service = byToken.get(token.id());
			try (PreparedStatement insert = store.prepareStatement("INSERT INTO tokens (id, kind, user_id, subject,"
					+ " role, name, issued_at) VALUES (?, ?, NULL, ?, ?, ?, ?)")) {
				insert.setString(1, token.id());
				insert.setString(2, (service != null) ? "SERVICE" : "API");
				insert.setString(3, (service != null) ? service.name() + ":" + service.version() : API_SUBJECT);
				insert.setString(4, (service != null) ? "SERVICE" : "USER");
				insert.setString(5, (service != null) ? service.name() + " " + service.version()
						: "imported from the original Daeploy");
				insert.setString(6, token.createdAt().toString());
				insert.executeUpdate();
			}
			tokenIds.add(token.id());
		}
		List<String> pending = new ArrayList<>();
		for (OriginalService service : original.services()) {
			try (PreparedStatement insert = store.prepareStatement("INSERT INTO services (name, version, image, port,"
					+ " main, spec, created_at, token_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
				insert.setString(1, service.name());
				insert.setString(2, service.version());
				insert.setString(3, service.image());
				insert.setInt(4, service.port());
				insert.setInt(5, service.main() ? 1 : 0);
				insert.setString(6, defaultSpec());
				insert.setString(7, now);
				insert.setString(8, tokenIds.contains(service.tokenId()) ? service.tokenId() : null);
				insert.executeUpdate();
			}
			catch (SQLException ex) {
				throw unusable(this.source + " holds service " + service.name() + " " + service.version()
						+ " twice, or two main versions of it: " + ex.getMessage());
			}
			pending.add(service.name() + " " + service.version());
		}
		setConfig(store, PENDING_KEY, this.json.writeValueAsString(pending));
		setConfig(store, IMPORTED_KEY, this.source.toAbsolutePath().normalize() + " at " + now);
	}

	/**
	 * Options of a version whose container is gone: the original's restart policy and
	 * nothing else it could have set.
	 */
	private String defaultSpec() {
		Map<String, Object> spec = new LinkedHashMap<>();
		spec.put("env", List.of());
		spec.put("command", null);
		spec.put("volumes", List.of());
		spec.put("labels", List.of());
		spec.put("restartPolicy", "ALWAYS");
		spec.put("memoryBytes", null);
		spec.put("nanoCpus", null);
		return this.json.writeValueAsString(spec);
	}

	private static void setConfig(Connection store, String key, String value) throws SQLException {
		try (PreparedStatement insert = store.prepareStatement("INSERT INTO config (key, value) VALUES (?, ?)")) {
			insert.setString(1, key);
			insert.setString(2, value);
			insert.executeUpdate();
		}
	}

	private static String configValue(Connection store, String key) throws SQLException {
		try (PreparedStatement query = store.prepareStatement("SELECT value FROM config WHERE key = ?")) {
			query.setString(1, key);
			try (ResultSet row = query.executeQuery()) {
				return row.next() ? row.getString(1) : null;
			}
		}
	}

	private static long count(Connection store, String sql) throws SQLException {
		try (Statement query = store.createStatement(); ResultSet row = query.executeQuery(sql)) {
			row.next();
			return row.getLong(1);
		}
	}

	private static Instant instant(String text) {
		if (text == null || text.isBlank()) {
			return Instant.now().truncatedTo(ChronoUnit.SECONDS);
		}
		try {
			return LocalDateTime.parse(text.strip(), DATETIME).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			return Instant.now().truncatedTo(ChronoUnit.SECONDS);
		}
	}

	private static UnusableDataDirectoryException unusable(String problem) {
		return new UnusableDataDirectoryException(problem,
				"Point DAEPLOY_IMPORT_FROM at daeploy_manager_db.db from the original's data volume, or unset it;"
						+ " nothing was imported, and the original's file is only ever read",
				null);
	}

	record Original(String secret, List<OriginalUser> users, List<OriginalToken> tokens,
			List<OriginalService> services) {
	}

	record OriginalUser(String name, String hash) {
	}

	record OriginalToken(String id, Instant createdAt) {
	}

	record OriginalService(String name, String version, String image, int port, boolean main, String tokenId) {
	}

}
