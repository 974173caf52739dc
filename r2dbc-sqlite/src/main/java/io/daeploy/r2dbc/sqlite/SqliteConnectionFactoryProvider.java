package io.daeploy.r2dbc.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import io.r2dbc.spi.Option;

/**
 * Creates {@link SqliteConnectionFactory}s from R2DBC URLs and options, for
 * {@code ConnectionFactories.get("r2dbc:sqlite:///var/lib/app/app.db")} and Spring Boot's
 * {@code spring.r2dbc.url}.
 * <p>
 * URL form: {@code r2dbc:sqlite:///<path>[?option=value&...]}. The path is absolute:
 * {@code r2dbc:sqlite:///var/lib/app/app.db} opens {@code /var/lib/app/app.db}. A path
 * starting with {@code ./} or {@code ../} is relative to the working directory:
 * {@code r2dbc:sqlite:///./data/app.db}. The URL takes no host, user or password. The
 * same rule applies to a {@link ConnectionFactoryOptions#DATABASE} option set in code.
 * <p>
 * Options: {@code busyTimeout} (a {@link Duration}, or text: milliseconds, {@code 5s},
 * {@code 500ms} or ISO-8601 {@code PT5S}; R2DBC's {@code lockWaitTimeout} also sets it),
 * {@code journalMode} ({@code WAL}, {@code DELETE}, ...), {@code foreignKeys}
 * ({@code true}/{@code false}), {@code synchronous} ({@code OFF}, {@code NORMAL},
 * {@code FULL}), {@code transactionMode} ({@code DEFERRED}, {@code IMMEDIATE},
 * {@code EXCLUSIVE}) and R2DBC's {@code statementTimeout}. Unknown options are ignored.
 */
public final class SqliteConnectionFactoryProvider implements ConnectionFactoryProvider {

	/**
	 * The driver name in URLs: {@value}.
	 */
	public static final String DRIVER = "sqlite";

	public static final Option<Object> BUSY_TIMEOUT = Option.valueOf("busyTimeout");

	public static final Option<Object> JOURNAL_MODE = Option.valueOf("journalMode");

	public static final Option<Object> FOREIGN_KEYS = Option.valueOf("foreignKeys");

	public static final Option<Object> SYNCHRONOUS = Option.valueOf("synchronous");

	public static final Option<Object> TRANSACTION_MODE = Option.valueOf("transactionMode");

	@Override
	public SqliteConnectionFactory create(ConnectionFactoryOptions options) {
		if (options == null) {
			throw new IllegalArgumentException("options must not be null");
		}
		return new SqliteConnectionFactory(configuration(options));
	}

	@Override
	public boolean supports(ConnectionFactoryOptions options) {
		if (options == null) {
			throw new IllegalArgumentException("options must not be null");
		}
		return DRIVER.equals(options.getValue(ConnectionFactoryOptions.DRIVER));
	}

	@Override
	public String getDriver() {
		return DRIVER;
	}

	static SqliteConnectionConfiguration configuration(ConnectionFactoryOptions options) {
		if (options.hasOption(ConnectionFactoryOptions.HOST)) {
			throw new IllegalArgumentException("SQLite URLs take no host: write r2dbc:sqlite:///absolute/path.db "
					+ "or r2dbc:sqlite:///./relative/path.db");
		}
		Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
		if (database == null || database.toString().isBlank()) {
			throw new IllegalArgumentException("No database file: write r2dbc:sqlite:///absolute/path.db "
					+ "or set the " + ConnectionFactoryOptions.DATABASE.name() + " option");
		}
		SqliteConnectionConfiguration.Builder builder = SqliteConnectionConfiguration.builder()
			.path(databasePath(database.toString()));
		Duration busyTimeout = duration(options.getValue(BUSY_TIMEOUT), BUSY_TIMEOUT);
		if (busyTimeout == null) {
			busyTimeout = duration(options.getValue(ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT),
					ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT);
		}
		if (busyTimeout != null) {
			builder.busyTimeout(busyTimeout);
		}
		Duration statementTimeout = duration(options.getValue(ConnectionFactoryOptions.STATEMENT_TIMEOUT),
				ConnectionFactoryOptions.STATEMENT_TIMEOUT);
		if (statementTimeout != null) {
			builder.statementTimeout(statementTimeout);
		}
		Object journalMode = options.getValue(JOURNAL_MODE);
		if (journalMode != null) {
			builder.journalMode(enumValue(SqliteConnectionConfiguration.JournalMode.class, journalMode, JOURNAL_MODE));
		}
		Object synchronous = options.getValue(SYNCHRONOUS);
		if (synchronous != null) {
			builder.synchronous(enumValue(SqliteConnectionConfiguration.Synchronous.class, synchronous, SYNCHRONOUS));
		}
		Object transactionMode = options.getValue(TRANSACTION_MODE);
		if (transactionMode != null) {
			builder.transactionMode(
					enumValue(SqliteConnectionConfiguration.TransactionMode.class, transactionMode, TRANSACTION_MODE));
		}
		Object foreignKeys = options.getValue(FOREIGN_KEYS);
		if (foreignKeys != null) {
			builder.foreignKeys(bool(foreignKeys, FOREIGN_KEYS));
		}
		return builder.build();
	}

	/**
	 * The URL parser drops the slash that starts the path, so a path that is not already
	 * absolute and does not start with {@code ./} or {@code ../} is taken from the root.
	 */
	static Path databasePath(String database) {
		Path path = Path.of(database);
		if (path.isAbsolute() || database.startsWith("./") || database.startsWith("../")) {
			return path;
		}
		return Path.of("/" + database);
	}

	private static Duration duration(Object value, Option<?> option) {
		if (value == null) {
			return null;
		}
		if (value instanceof Duration duration) {
			return duration;
		}
		if (value instanceof Number number) {
			return Duration.ofMillis(number.longValue());
		}
		String text = value.toString().strip().toLowerCase(Locale.ROOT);
		try {
			if (text.startsWith("pt")) {
				return Duration.parse(text.toUpperCase(Locale.ROOT));
			}
			if (text.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).strip()));
			}
			if (text.endsWith("s")) {
				return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1).strip()));
			}
			return Duration.ofMillis(Long.parseLong(text));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"Option " + option.name() + ": '" + value + "' is not a duration (5000, 500ms, 5s or PT5S)", ex);
		}
	}

	private static <E extends Enum<E>> E enumValue(Class<E> type, Object value, Option<?> option) {
		if (type.isInstance(value)) {
			return type.cast(value);
		}
		try {
			return Enum.valueOf(type, value.toString().strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Option " + option.name() + ": '" + value + "' is not one of "
					+ Arrays.toString(type.getEnumConstants()), ex);
		}
	}

	private static boolean bool(Object value, Option<?> option) {
		if (value instanceof Boolean bool) {
			return bool;
		}
		String text = value.toString().strip();
		if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
			return Boolean.parseBoolean(text);
		}
		throw new IllegalArgumentException("Option " + option.name() + ": '" + value + "' is not true or false");
	}

}
