package io.daeploy.manager.audit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.Document;
import graphql.language.EnumValue;
import graphql.language.Field;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.parser.Parser;
import io.daeploy.manager.auth.Caller;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.stereotype.Component;

/**
 * Records every mutation in the {@link AuditLog} once it has run: one entry per mutation
 * field, with its arguments (passwords and tokens replaced by {@code ***}) and its
 * outcome.
 */
@Component
@Order(10)
class AuditInterceptor implements WebGraphQlInterceptor {

	private static final Pattern SECRET = Pattern.compile("(?i).*(password|token|secret).*");

	private static final Log logger = LogFactory.getLog(AuditInterceptor.class);

	private final AuditLog log;

	private final JsonMapper json;

	private final Clock clock;

	AuditInterceptor(AuditLog log, JsonMapper json, Clock clock) {
		this.log = log;
		this.json = json;
		this.clock = clock;
	}

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		List<Field> mutations = mutationFields(request);
		if (mutations.isEmpty()) {
			return chain.next(request);
		}
		return Caller.current()
			.flatMap((caller) -> chain.next(request)
				.flatMap((response) -> record(caller, mutations, request, response).onErrorResume((ex) -> {
					logger.error("Could not write the audit log", ex);
					return Mono.empty();
				}).thenReturn(response)));
	}

	private Mono<Void> record(Caller caller, List<Field> mutations, WebGraphQlRequest request,
			WebGraphQlResponse response) {
		List<Mono<Void>> writes = new ArrayList<>();
		for (Field field : mutations) {
			String name = (field.getAlias() != null) ? field.getAlias() : field.getName();
			Map<String, Object> arguments = new LinkedHashMap<>();
			field.getArguments()
				.forEach((argument) -> arguments.put(argument.getName(),
						redact(argument.getName(), value(argument.getValue(), request.getVariables()))));
			writes.add(this.log.record(this.clock.instant(), caller.name(), field.getName(),
					this.json.writeValueAsString(arguments), outcome(response, name)));
		}
		return Mono.when(writes);
	}

	private static String outcome(WebGraphQlResponse response, String responseKey) {
		for (ResponseError error : response.getErrors()) {
			List<Object> path = error.getParsedPath();
			if (path.isEmpty() || responseKey.equals(path.get(0))) {
				Object code = error.getExtensions().get("code");
				return (code != null) ? code.toString() : "ERROR";
			}
		}
		return "OK";
	}

	private static List<Field> mutationFields(WebGraphQlRequest request) {
		Document document;
		try {
			document = Parser.parse(request.getDocument());
		}
		catch (RuntimeException ex) {
			return List.of();
		}
		List<Field> fields = new ArrayList<>();
		for (OperationDefinition operation : document.getDefinitionsOfType(OperationDefinition.class)) {
			boolean selected = request.getOperationName() == null
					|| request.getOperationName().equals(operation.getName());
			if (selected && operation.getOperation() == OperationDefinition.Operation.MUTATION) {
				for (Selection<?> selection : operation.getSelectionSet().getSelections()) {
					if (selection instanceof Field field) {
						fields.add(field);
					}
				}
			}
		}
		return fields;
	}

	@SuppressWarnings("unchecked")
	private static Object redact(String key, Object value) {
		if (SECRET.matcher(key).matches()) {
			return "***";
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> redacted = new LinkedHashMap<>();
			((Map<String, Object>) map).forEach((k, v) -> redacted.put(k, redact(k, v)));
			return redacted;
		}
		if (value instanceof List<?> list) {
			return list.stream().map((item) -> redact("", item)).toList();
		}
		return value;
	}

	private static Object value(Value<?> value, Map<String, Object> variables) {
		if (value instanceof VariableReference reference) {
			return variables.get(reference.getName());
		}
		if (value instanceof StringValue text) {
			return text.getValue();
		}
		if (value instanceof IntValue number) {
			BigInteger integer = number.getValue();
			return integer;
		}
		if (value instanceof FloatValue number) {
			BigDecimal decimal = number.getValue();
			return decimal;
		}
		if (value instanceof BooleanValue bool) {
			return bool.isValue();
		}
		if (value instanceof EnumValue enumValue) {
			return enumValue.getName();
		}
		if (value instanceof NullValue) {
			return null;
		}
		if (value instanceof ArrayValue array) {
			return array.getValues().stream().map((item) -> value(item, variables)).toList();
		}
		if (value instanceof ObjectValue object) {
			Map<String, Object> map = new LinkedHashMap<>();
			object.getObjectFields().forEach((field) -> map.put(field.getName(), value(field.getValue(), variables)));
			return map;
		}
		return String.valueOf(value);
	}

}
