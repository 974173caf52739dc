package io.daeploy.manager.system;

import java.time.Instant;
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

	static final class InstantCoercing implements Coercing<Instant, String> {

		@Override
		public String serialize(Object value, GraphQLContext context, Locale locale) {
			if (value instanceof Instant instant) {
				return instant.toString();
			}
			if (value instanceof OffsetDateTime dateTime) {
				return dateTime.toInstant().toString();
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
