package io.daeploy.manager.system;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;

/**
 * The schema's {@code DateTime}: ISO-8601 text with an offset, backed by {@link Instant}.
 */
@Configuration(proxyBeanMethods = false)
class DateTimeScalar {

	@Bean
	RuntimeWiringConfigurer dateTimeScalarWiring() {
		GraphQLScalarType type = GraphQLScalarType.newScalar()
			.name("DateTime")
			.description("ISO-8601 date and time with offset")
			.coercing(new InstantCoercing())
			.build();
		return (wiring) -> wiring.scalar(type);
	}

	/** The first second of the year 10000: later instants print with a sign. */
	private static final long YEAR_10000 = 253402300800L;

	/**
	 * The same text as {@link Instant#toString()} ({@code 2026-12-03T19:04:12.5Z}: the
	 * fraction in groups of three digits, none when it is zero), written directly for the
	 * years 1970 to 9999. {@code Instant.toString} goes through a
	 * {@code DateTimeFormatter} and was a twentieth of the manager's CPU on a log stream,
	 * which sends a timestamp per line.
	 * @param instant the instant
	 * @return its ISO-8601 text in UTC
	 */
	static String format(Instant instant) {
		long seconds = instant.getEpochSecond();
		if (seconds < 0 || seconds >= YEAR_10000) {
			return instant.toString();
		}
		LocalDate date = LocalDate.ofEpochDay(seconds / 86400);
		int ofDay = (int) (seconds % 86400);
		int nanos = instant.getNano();
		int digits = (nanos == 0) ? 0 : (nanos % 1_000_000 == 0) ? 3 : (nanos % 1000 == 0) ? 6 : 9;
		byte[] text = new byte[20 + ((digits > 0) ? digits + 1 : 0)];
		put(text, 0, date.getYear(), 4);
		text[4] = '-';
		put(text, 5, date.getMonthValue(), 2);
		text[7] = '-';
		put(text, 8, date.getDayOfMonth(), 2);
		text[10] = 'T';
		put(text, 11, ofDay / 3600, 2);
		text[13] = ':';
		put(text, 14, (ofDay / 60) % 60, 2);
		text[16] = ':';
		put(text, 17, ofDay % 60, 2);
		if (digits > 0) {
			text[19] = '.';
			put(text, 20, nanos / POWERS_OF_TEN[9 - digits], digits);
		}
		text[text.length - 1] = 'Z';
		return new String(text, StandardCharsets.ISO_8859_1);
	}

	private static final int[] POWERS_OF_TEN = { 1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000,
			100_000_000 };

	private static void put(byte[] text, int at, int value, int width) {
		for (int i = at + width - 1; i >= at; i--) {
			text[i] = (byte) ('0' + value % 10);
			value /= 10;
		}
	}

	static final class InstantCoercing implements Coercing<Instant, String> {

		@Override
		public String serialize(Object value, GraphQLContext context, Locale locale) {
			if (value instanceof Instant instant) {
				return format(instant);
			}
			if (value instanceof OffsetDateTime dateTime) {
				return format(dateTime.toInstant());
			}
			throw new CoercingSerializeException("Not a date and time: " + value);
		}

		@Override
		public Instant parseValue(Object input, GraphQLContext context, Locale locale) {
			if (input instanceof String text) {
				try {
					return OffsetDateTime.parse(text).toInstant();
				}
				catch (DateTimeParseException ex) {
					throw new CoercingParseValueException("Not an ISO-8601 date and time with offset: " + text);
				}
			}
			throw new CoercingParseValueException("Expected a string holding an ISO-8601 date and time");
		}

		@Override
		public Instant parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
			if (input instanceof StringValue text) {
				try {
					return OffsetDateTime.parse(text.getValue()).toInstant();
				}
				catch (DateTimeParseException ex) {
					throw new CoercingParseLiteralException("Not an ISO-8601 date and time with offset: " + text);
				}
			}
			throw new CoercingParseLiteralException("Expected a string holding an ISO-8601 date and time");
		}

	}

}
