package io.daeploy.r2dbc.sqlite;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import reactor.core.publisher.Mono;

/**
 * Java values to SQLite storage classes and back.
 * <p>
 * SQLite stores NULL, INTEGER (64 bit), REAL, TEXT and BLOB. Booleans are stored as 0/1,
 * {@link BigDecimal} and {@link BigInteger} values too large for a long as decimal text,
 * enums by name, UUIDs as text, and date-time values as ISO-8601 text with a fixed
 * nine-digit fraction (UTC {@code Z} for {@link Instant}), so that text order is time
 * order and SQLite's date functions read them.
 */
final class ValueCodec {

	private static final DateTimeFormatter INSTANT = DateTimeFormatter
		.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter LOCAL_DATE_TIME = DateTimeFormatter
		.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS", Locale.ROOT);

	private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS", Locale.ROOT);

	private static final DateTimeFormatter OFFSET_DATE_TIME = DateTimeFormatter
		.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX", Locale.ROOT);

	/**
	 * Reads ISO-8601 date-times with a {@code T} or a space between date and time
	 * (SQLite's {@code CURRENT_TIMESTAMP} uses a space), any fraction, and an optional
	 * offset and zone.
	 */
	private static final DateTimeFormatter LENIENT_DATE_TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
		.append(DateTimeFormatter.ISO_LOCAL_DATE)
		.optionalStart()
		.appendLiteral('T')
		.optionalEnd()
		.optionalStart()
		.appendLiteral(' ')
		.optionalEnd()
		.appendValue(ChronoField.HOUR_OF_DAY, 2)
		.appendLiteral(':')
		.appendValue(ChronoField.MINUTE_OF_HOUR, 2)
		.optionalStart()
		.appendLiteral(':')
		.appendValue(ChronoField.SECOND_OF_MINUTE, 2)
		.optionalStart()
		.appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
		.optionalEnd()
		.optionalEnd()
		.optionalStart()
		.appendOffset("+HH:MM", "Z")
		.optionalEnd()
		.optionalStart()
		.appendOffset("+HHMM", "Z")
		.optionalEnd()
		.optionalStart()
		.appendLiteral('[')
		.parseCaseSensitive()
		.appendZoneRegionId()
		.appendLiteral(']')
		.optionalEnd()
		.toFormatter(Locale.ROOT);

	private static final Map<Class<?>, Class<?>> WRAPPERS = Map.of(boolean.class, Boolean.class, byte.class, Byte.class,
			short.class, Short.class, int.class, Integer.class, long.class, Long.class, float.class, Float.class,
			double.class, Double.class, char.class, Character.class);

	private ValueCodec() {
	}

	/**
	 * Whether a value can be bound. {@link Blob} and {@link Clob} values are accepted
	 * here and read into memory before the statement runs.
	 * @param value a non-null value
	 * @return whether {@link #encode} takes it
	 */
	static boolean canEncode(Object value) {
		return value instanceof String || value instanceof Number || value instanceof Boolean
				|| value instanceof Character || value instanceof byte[] || value instanceof ByteBuffer
				|| value instanceof Blob || value instanceof Clob || value instanceof Instant
				|| value instanceof LocalDateTime || value instanceof LocalDate || value instanceof LocalTime
				|| value instanceof OffsetDateTime || value instanceof ZonedDateTime || value instanceof UUID
				|| value instanceof Enum<?>;
	}

	static void encode(PreparedStatement statement, int index, Object value) throws SQLException {
		if (value == null) {
			statement.setNull(index, Types.NULL);
		}
		else if (value instanceof String string) {
			statement.setString(index, string);
		}
		else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
			statement.setInt(index, ((Number) value).intValue());
		}
		else if (value instanceof Long longValue) {
			statement.setLong(index, longValue);
		}
		else if (value instanceof Boolean bool) {
			statement.setInt(index, bool ? 1 : 0);
		}
		else if (value instanceof Double doubleValue) {
			statement.setDouble(index, doubleValue);
		}
		else if (value instanceof Float floatValue) {
			// through the decimal text, so that 1.1f is stored as 1.1, not
			// 1.100000023841858
			statement.setDouble(index, Double.parseDouble(floatValue.toString()));
		}
		else if (value instanceof BigDecimal decimal) {
			statement.setString(index, decimal.toPlainString());
		}
		else if (value instanceof BigInteger integer) {
			if (integer.bitLength() < 64) {
				statement.setLong(index, integer.longValue());
			}
			else {
				statement.setString(index, integer.toString());
			}
		}
		else if (value instanceof Number number) {
			statement.setString(index, number.toString());
		}
		else if (value instanceof byte[] bytes) {
			statement.setBytes(index, bytes);
		}
		else if (value instanceof ByteBuffer buffer) {
			statement.setBytes(index, toBytes(buffer));
		}
		else {
			statement.setString(index, encodeAsText(value));
		}
	}

	private static String encodeAsText(Object value) {
		if (value instanceof Character || value instanceof UUID) {
			return value.toString();
		}
		if (value instanceof Enum<?> enumValue) {
			return enumValue.name();
		}
		if (value instanceof Instant instant) {
			return INSTANT.format(instant);
		}
		if (value instanceof LocalDateTime dateTime) {
			return LOCAL_DATE_TIME.format(dateTime);
		}
		if (value instanceof LocalDate date) {
			return date.toString();
		}
		if (value instanceof LocalTime time) {
			return LOCAL_TIME.format(time);
		}
		if (value instanceof OffsetDateTime dateTime) {
			return OFFSET_DATE_TIME.format(dateTime);
		}
		if (value instanceof ZonedDateTime dateTime) {
			String text = OFFSET_DATE_TIME.format(dateTime);
			return (dateTime.getZone() instanceof ZoneOffset) ? text : text + "[" + dateTime.getZone().getId() + "]";
		}
		throw new IllegalArgumentException("Cannot encode value of type " + value.getClass().getName());
	}

	static byte[] toBytes(ByteBuffer buffer) {
		ByteBuffer source = buffer.duplicate();
		byte[] bytes = new byte[source.remaining()];
		source.get(bytes);
		return bytes;
	}

	/**
	 * The value {@code Row.get(index)} returns: the storage class value, shaped by the
	 * column's declared type where that is unambiguous.
	 * @param raw the value as read (Integer, Long, Double, String, byte[] or null)
	 * @param column the column
	 * @return the default Java value
	 */
	static Object decodeDefault(Object raw, SqliteColumnMetadata column) {
		if (raw == null) {
			return null;
		}
		switch (column.kind()) {
			case BOOLEAN:
				if (raw instanceof Number number) {
					return number.longValue() != 0;
				}
				break;
			case BIGINT:
				if (raw instanceof Integer integer) {
					return integer.longValue();
				}
				break;
			case REAL:
				if (raw instanceof Integer || raw instanceof Long) {
					return ((Number) raw).doubleValue();
				}
				break;
			default:
				break;
		}
		return (raw instanceof byte[] bytes) ? ByteBuffer.wrap(bytes) : raw;
	}

	/**
	 * Converts a storage class value to the requested type.
	 * @param raw the value as read (Integer, Long, Double, String, byte[] or null)
	 * @param type the requested type
	 * @param column the column, for {@code Object.class} requests
	 * @return the converted value
	 * @throws IllegalArgumentException if the value cannot become that type
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static <T> T decode(Object raw, Class<T> type, SqliteColumnMetadata column) {
		if (raw == null) {
			return null;
		}
		if (type == Object.class) {
			return (T) decodeDefault(raw, column);
		}
		Class<?> target = WRAPPERS.getOrDefault(type, type);
		try {
			Object value = convert(raw, target);
			if (value == null) {
				if (target.isEnum() && raw instanceof String name) {
					return (T) Enum.valueOf((Class<? extends Enum>) target, name);
				}
				throw cannotDecode(raw, type, null);
			}
			return (T) value;
		}
		catch (NumberFormatException | ArithmeticException | DateTimeParseException ex) {
			throw cannotDecode(raw, type, ex);
		}
	}

	private static IllegalArgumentException cannotDecode(Object raw, Class<?> type, RuntimeException cause) {
		String shown = (raw instanceof byte[] bytes) ? "a BLOB of " + bytes.length + " bytes"
				: raw.getClass().getSimpleName() + " '" + raw + "'";
		return new IllegalArgumentException("Cannot decode " + shown + " as " + type.getName(), cause);
	}

	private static Object convert(Object raw, Class<?> target) {
		if (target.isInstance(raw)) {
			return raw;
		}
		if (raw instanceof Number number) {
			return fromNumber(number, target);
		}
		if (raw instanceof String text) {
			return fromText(text, target);
		}
		return fromBytes((byte[]) raw, target);
	}

	private static Object fromNumber(Number number, Class<?> target) {
		boolean integral = number instanceof Integer || number instanceof Long;
		if (target == Long.class) {
			return integral ? number.longValue() : exactDecimal(number).longValueExact();
		}
		if (target == Integer.class) {
			return integral ? Math.toIntExact(number.longValue()) : exactDecimal(number).intValueExact();
		}
		if (target == Short.class) {
			return exactDecimal(number).shortValueExact();
		}
		if (target == Byte.class) {
			return exactDecimal(number).byteValueExact();
		}
		if (target == Double.class) {
			return number.doubleValue();
		}
		if (target == Float.class) {
			return number.floatValue();
		}
		if (target == BigDecimal.class) {
			return exactDecimal(number);
		}
		if (target == BigInteger.class) {
			return exactDecimal(number).toBigIntegerExact();
		}
		if (target == Boolean.class) {
			return number.doubleValue() != 0;
		}
		if (target == String.class) {
			return number.toString();
		}
		if (target == Instant.class && integral) {
			return Instant.ofEpochMilli(number.longValue());
		}
		return null;
	}

	private static BigDecimal exactDecimal(Number number) {
		if (number instanceof Double || number instanceof Float) {
			return new BigDecimal(number.toString());
		}
		return BigDecimal.valueOf(number.longValue());
	}

	private static Object fromText(String text, Class<?> target) {
		if (target == Long.class) {
			return Long.valueOf(text.strip());
		}
		if (target == Integer.class) {
			return Integer.valueOf(text.strip());
		}
		if (target == Short.class) {
			return Short.valueOf(text.strip());
		}
		if (target == Byte.class) {
			return Byte.valueOf(text.strip());
		}
		if (target == Double.class) {
			return Double.valueOf(text);
		}
		if (target == Float.class) {
			return Float.valueOf(text);
		}
		if (target == BigDecimal.class) {
			return new BigDecimal(text.strip());
		}
		if (target == BigInteger.class) {
			return new BigInteger(text.strip());
		}
		if (target == Boolean.class) {
			return parseBoolean(text);
		}
		if (target == Character.class) {
			return (text.length() == 1) ? text.charAt(0) : null;
		}
		if (target == UUID.class) {
			return UUID.fromString(text);
		}
		if (target == Clob.class) {
			return Clob.from(Mono.just(text));
		}
		if (target == byte[].class) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		if (target == ByteBuffer.class) {
			return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
		}
		return fromTemporalText(text, target);
	}

	private static Boolean parseBoolean(String text) {
		String value = text.strip();
		if ("1".equals(value) || "true".equalsIgnoreCase(value)) {
			return Boolean.TRUE;
		}
		if ("0".equals(value) || "false".equalsIgnoreCase(value)) {
			return Boolean.FALSE;
		}
		return null;
	}

	private static Object fromTemporalText(String text, Class<?> target) {
		if (target == LocalDate.class) {
			return (text.length() == 10) ? LocalDate.parse(text) : toLocalDateTime(parse(text)).toLocalDate();
		}
		if (target == LocalTime.class) {
			return (text.indexOf('-') == -1) ? LocalTime.parse(text) : toLocalDateTime(parse(text)).toLocalTime();
		}
		if (target == Instant.class) {
			return toOffsetDateTime(parse(text)).toInstant();
		}
		if (target == LocalDateTime.class) {
			return toLocalDateTime(parse(text));
		}
		if (target == OffsetDateTime.class) {
			return toOffsetDateTime(parse(text));
		}
		if (target == ZonedDateTime.class) {
			TemporalAccessor parsed = parse(text);
			if (parsed.query(TemporalQueries.zoneId()) != null && parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
				return ZonedDateTime.from(parsed);
			}
			return toOffsetDateTime(parsed).toZonedDateTime();
		}
		return null;
	}

	private static TemporalAccessor parse(String text) {
		if (text.length() == 10) {
			return LocalDate.parse(text);
		}
		return LENIENT_DATE_TIME.parse(text.strip());
	}

	/**
	 * A parsed value as local date-time; values with an offset are moved to UTC first.
	 */
	private static LocalDateTime toLocalDateTime(TemporalAccessor parsed) {
		if (parsed instanceof LocalDate date) {
			return date.atStartOfDay();
		}
		if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
			return OffsetDateTime.from(parsed).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
		}
		return LocalDateTime.from(parsed);
	}

	/**
	 * A parsed value with an offset; values without one are taken as UTC.
	 */
	private static OffsetDateTime toOffsetDateTime(TemporalAccessor parsed) {
		if (parsed instanceof LocalDate date) {
			return date.atStartOfDay().atOffset(ZoneOffset.UTC);
		}
		if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
			return OffsetDateTime.from(parsed);
		}
		return LocalDateTime.from(parsed).atOffset(ZoneOffset.UTC);
	}

	private static Object fromBytes(byte[] bytes, Class<?> target) {
		if (target == ByteBuffer.class) {
			return ByteBuffer.wrap(bytes);
		}
		if (target == Blob.class) {
			return Blob.from(Mono.just(ByteBuffer.wrap(bytes)));
		}
		if (target == String.class) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (target == UUID.class && bytes.length == 16) {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			return new UUID(buffer.getLong(), buffer.getLong());
		}
		return null;
	}

}
