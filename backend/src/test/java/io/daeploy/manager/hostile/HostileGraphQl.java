package io.daeploy.manager.hostile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.hostile.Json.EnumValue;
import io.daeploy.manager.hostile.Json.RawNumber;
import io.daeploy.manager.hostile.Json.Variable;

/**
 * Writes hostile GraphQL requests from the schema as introspection shows it: for a Query
 * or Mutation field, arguments of the declared type mixed with wrong types, missing
 * required arguments, nulls, unknown enum values and extra input fields; inline literals
 * or variables (declared right, declared wrong, undeclared or unsent); selections with
 * aliases, fragments and the odd unknown field; and now and then a document that is not
 * GraphQL at all. Plausible values come from pools of names the test's manager knows, so
 * some requests get past validation and reach the domain.
 */
final class HostileGraphQl {

	/** What the test's manager holds, for values that find something. */
	record Known(List<String> serviceNames, List<String> versions, String image, List<String> usernames,
			List<String> callers, List<String> passwords, List<String> ids, String volume, String hostPath) {
	}

	/**
	 * One generated request.
	 *
	 * @param root {@code Query} or {@code Mutation}, or {@code null} for a document that
	 * is not meant to parse
	 * @param document the document
	 * @param variables the variables as JSON text, or {@code null}
	 * @param operationName the operation name to send, or {@code null}
	 * @param aliases the response keys of the root fields, to their field names
	 */
	record Generated(String root, String document, String variables, String operationName,
			Map<String, String> aliases) {

		boolean mutation() {
			return "Mutation".equals(this.root);
		}

	}

	private final HostileValues values;

	private final Map<String, Map<String, Object>> types;

	private final Known known;

	private int variableCount;

	/** The input type whose fields are being written, for values that fit the field. */
	private String input = "";

	private Map<String, String> declared;

	private Map<String, Object> variables;

	private List<String> fragments;

	HostileGraphQl(HostileValues values, Map<String, Map<String, Object>> types, Known known) {
		this.values = values;
		this.types = types;
		this.known = known;
	}

	/**
	 * The names of a root type's fields, in schema order.
	 * @param root {@code Query}, {@code Mutation} or {@code Subscription}
	 * @return the field names
	 */
	List<String> fields(String root) {
		return list(this.types.get(root).get("fields")).stream().map((f) -> (String) f.get("name")).toList();
	}

	Generated next(String root, String forcedField) {
		if (forcedField == null && this.values.chance(0.04)) {
			return malformed();
		}
		this.variableCount = 0;
		this.declared = new LinkedHashMap<>();
		this.variables = new LinkedHashMap<>();
		this.fragments = new ArrayList<>();
		boolean useVariables = this.values.chance(0.5);
		List<Map<String, Object>> rootFields = list(this.types.get(root).get("fields"));
		int count = (forcedField != null || this.values.chance(0.85)) ? 1 : this.values.between(2, 3);
		Map<String, String> aliases = new LinkedHashMap<>();
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < count; i++) {
			Map<String, Object> field = (forcedField != null)
					? rootFields.stream().filter((f) -> forcedField.equals(f.get("name"))).findFirst().orElseThrow()
					: this.values.pick(rootFields);
			String name = (String) field.get("name");
			String alias = (i > 0 || this.values.chance(0.15)) ? "a" + i + "_" + name : name;
			if (aliases.containsKey(alias)) {
				continue;
			}
			aliases.put(alias, name);
			body.append(alias.equals(name) ? "" : alias + ": ").append(name);
			body.append(arguments(list(field.get("args")), useVariables));
			body.append(selection(type(field.get("type")), 0));
			body.append(' ');
		}
		String operationName = this.values.chance(0.3) ? "Op" + this.values.between(0, 9) : null;
		StringBuilder document = new StringBuilder();
		document.append(root.equals("Mutation") ? "mutation" : root.equals("Subscription") ? "subscription" : "query");
		if (operationName != null) {
			document.append(' ').append(operationName);
		}
		if (!this.declared.isEmpty()) {
			document.append('(');
			this.declared.forEach((variable, declaredType) -> document.append('$')
				.append(variable)
				.append(": ")
				.append(declaredType)
				.append(' '));
			document.append(')');
		}
		document.append(" { ").append(body).append('}');
		this.fragments.forEach((fragment) -> document.append('\n').append(fragment));
		String sentName = operationName;
		if (this.values.chance(0.03)) {
			sentName = "NoSuchOperation";
		}
		String variablesJson = this.variables.isEmpty() && this.values.chance(0.7) ? null : Json.write(this.variables);
		if (this.values.chance(0.02)) {
			variablesJson = this.values.pick("[]", "\"x\"", "1", "null", "[{\"a\":1}]");
		}
		return new Generated(root, document.toString(), variablesJson, sentName, aliases);
	}

	private String arguments(List<Map<String, Object>> args, boolean useVariables) {
		List<String> given = new ArrayList<>();
		for (Map<String, Object> arg : args) {
			Map<String, Object> type = type(arg.get("type"));
			boolean required = "NON_NULL".equals(type.get("kind"));
			if (this.values.chance(required ? 0.05 : 0.4)) {
				continue;
			}
			String name = (String) arg.get("name");
			Object value = value(type, name, 0);
			if (useVariables && !this.values.chance(0.1)) {
				String variable = "v" + (this.variableCount++);
				double roll = this.values.nextDouble();
				if (roll < 0.04) {
					// used but never declared
				}
				else if (roll < 0.09) {
					this.declared.put(variable, wrongTypeName(type));
					this.variables.put(variable, value);
				}
				else if (roll < 0.12) {
					// declared, not sent
					this.declared.put(variable, typeName(type));
				}
				else {
					this.declared.put(variable, typeName(type));
					this.variables.put(variable, value);
				}
				given.add(name + ": " + Json.literal(new Variable(variable)));
			}
			else {
				given.add(name + ": " + Json.literal(value));
			}
		}
		if (this.values.chance(0.03)) {
			given.add("bogus: 1");
		}
		if (this.values.chance(0.02) && !given.isEmpty()) {
			// the same argument twice
			given.add(given.get(0));
		}
		return given.isEmpty() ? "" : "(" + String.join(", ", given) + ")";
	}

	/**
	 * A value for an input type: mostly of that type, plausible or hostile, sometimes of
	 * another type altogether.
	 */
	Object value(Map<String, Object> type, String name, int depth) {
		String kind = (String) type.get("kind");
		if (depth > 6) {
			return null;
		}
		if (this.values.chance(0.05)) {
			return wrongValue(kind);
		}
		switch (kind) {
			case "NON_NULL":
				return this.values.chance(0.04) ? null : value(type(type.get("ofType")), name, depth);
			case "LIST": {
				if (this.values.chance(0.05)) {
					return null;
				}
				if (this.values.chance(0.08)) {
					// a single value where a list is expected (GraphQL coerces it)
					return value(type(type.get("ofType")), name, depth + 1);
				}
				int size = this.values.chance(0.02) ? this.values.between(100, 2000) : this.values.between(0, 4);
				List<Object> list = new ArrayList<>(size);
				for (int i = 0; i < size; i++) {
					list.add(value(type(type.get("ofType")), name, depth + 1));
				}
				return list;
			}
			case "INPUT_OBJECT":
				return inputObject(this.types.get(type.get("name")), depth);
			case "ENUM": {
				List<Map<String, Object>> enumValues = list(this.types.get(type.get("name")).get("enumValues"));
				if (this.values.chance(0.8)) {
					return new EnumValue((String) this.values.pick(enumValues).get("name"));
				}
				return new EnumValue(this.values.pick("ROOT", "SUPERUSER", "admin", "User", "__proto__", "NULL", "true",
						"A" + this.values.word().toUpperCase(java.util.Locale.ROOT)));
			}
			default:
				return scalar((String) type.get("name"), name);
		}
	}

	private Map<String, Object> inputObject(Map<String, Object> type, int depth) {
		this.input = (String) type.get("name");
		Map<String, Object> object = new LinkedHashMap<>();
		Map<String, Object> fieldValues = new LinkedHashMap<>();
		for (Map<String, Object> field : list(type.get("inputFields"))) {
			Map<String, Object> fieldType = type(field.get("type"));
			boolean required = "NON_NULL".equals(fieldType.get("kind"));
			if (this.values.chance(required ? 0.05 : 0.5)) {
				continue;
			}
			String name = (String) field.get("name");
			fieldValues.put(name, value(fieldType, name, depth + 1));
		}
		// a deploy that could succeed uses only volumes this test may leave behind
		if (this.known.image().equals(fieldValues.get("image"))) {
			fieldValues.put("volumes", safeVolumes());
		}
		object.putAll(fieldValues);
		if (this.values.chance(0.04)) {
			object.put(this.values.pick("bogus", "__proto__", "id", "role", "admin"),
					this.values.pick("x", 1, true, List.of()));
		}
		return object;
	}

	private List<Object> safeVolumes() {
		if (this.values.chance(0.6)) {
			return List.of();
		}
		Map<String, Object> volume = new LinkedHashMap<>();
		volume.put("source", this.values.chance(0.5) ? this.known.volume() : this.known.hostPath());
		volume.put("target", this.values.pick("/data", "/hostile", "/www/x"));
		volume.put("readOnly", this.values.chance(0.5));
		return List.of(volume);
	}

	private Object wrongValue(String kind) {
		return switch (this.values.between(0, 5)) {
			case 0 -> this.values.string();
			case 1 -> new RawNumber(this.values.integerText());
			case 2 -> this.values.chance(0.5);
			case 3 -> Map.of("nested", this.values.word());
			case 4 -> List.of(this.values.word(), 1);
			default -> ("ENUM".equals(kind)) ? "ADMIN" : new EnumValue("UNQUOTED");
		};
	}

	private Object scalar(String scalar, String name) {
		switch (scalar) {
			case "Int":
				return new RawNumber(intFor(name));
			case "Float":
				if (this.values.chance(0.5)) {
					return new RawNumber(this.values.pick("0.5", "0", "-1.5", "1e308", "1E309", "4", "0.0001"));
				}
				return new RawNumber(this.values.integerText());
			case "Boolean":
				return this.values.chance(0.9) ? (Object) this.values.chance(0.5)
						: this.values.pick("true", 0, 1, "yes");
			case "DateTime":
				if (this.values.chance(0.6)) {
					return this.values.pick("2026-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
							"2026-11-25T07:17:41.123+01:00", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
							"2026-13-45T25:61:61Z", "2026-01-01", "now", "0", "2026-01-01T00:00:00",
							"9999-12-31T23:59:59.999999999Z");
				}
				return this.values.chance(0.5) ? this.values.string() : new RawNumber(this.values.integerText());
			default:
				return stringFor(name);
		}
	}

	private String intFor(String name) {
		if (this.values.chance(0.4)) {
			return switch (name) {
				case "port" -> this.values.pick("8000", "80", "1", "65535");
				case "first", "tail" -> this.values.pick("1", "10", "50", "500");
				case "timer" -> this.values.pick("0", "60", "86400");
				case "expiresInDays" -> this.values.pick("1", "30", "3650");
				case "memoryMb" -> this.values.pick("64", "6", "128");
				default -> this.values.integerText();
			};
		}
		return this.values.integerText();
	}

	private String stringFor(String name) {
		if (this.values.chance(0.45)) {
			return this.values.string();
		}
		return switch (name) {
			case "name",
					"serviceName" ->
				this.values.chance(0.7) ? this.values.pick(this.known.serviceNames())
						: this.values.pick("manager", "Manager", " manager ", "a", "_a", "a_", "Hostile", "a-b",
								"a".repeat(63), "a".repeat(64), "hostile_" + this.values.word());
			case "version", "newMain",
					"serviceVersion" ->
				this.values.chance(0.7) ? this.values.pick(this.known.versions())
						: this.values.pick("1.0", "01.0.0", "1.0.0+build.1", "v1.0.0", "1.0.0-", "1.0.0-rc.1",
								"99999999999999999999.0.0", "1.0.0-" + "a".repeat(300));
			case "image" -> this.values.chance(0.35) ? this.known.image()
					: this.values.pick("hostile-none/absent:0", "nope", "UPPER:1", "sha256:" + "0".repeat(64),
							"a@sha256:" + "f".repeat(64), "daeploy-test/missing:9", "../../etc/passwd:1");
			case "username" -> this.values.pick(usernames());
			case "password", "currentPassword", "newPassword" -> this.values.pick(this.known.passwords());
			case "id", "before" -> this.values.pick(this.known.ids());
			case "emails" -> this.values.pick("ops@example.com", "a@b", "@", "x@y@z", "a b@c", "é@ü.example");
			case "key" -> this.values.pick("test.daeploy", "daeploy.name", "daeploy.instance", "com.example.x", "");
			case "source" -> this.values.pick(this.known.volume(), this.known.hostPath(), "/var/run/docker.sock",
					"/run/docker.sock", "/", "relative/path", "../up", "/proc");
			case "target" -> this.values.pick("/data", "relative", "/", "/etc/../x");
			case "message" -> this.values.pick("Model drift above 0.3", "hostile " + this.values.word());
			default -> this.values.word();
		};
	}

	/**
	 * User names to try: any for sign-in and creation, but never the test's own callers
	 * where success would take their tokens away (a new password revokes them all, and
	 * deleting the plain user would end its part of the run).
	 */
	private List<String> usernames() {
		return switch (this.input) {
			case "SetUserPasswordInput" ->
				this.known.usernames().stream().filter((name) -> !this.known.callers().contains(name)).toList();
			case "DeleteUserInput" -> this.known.usernames()
				.stream()
				.filter((name) -> name.equals("admin") || !this.known.callers().contains(name))
				.toList();
			default -> this.known.usernames();
		};
	}

	private String selection(Map<String, Object> type, int depth) {
		Map<String, Object> named = named(type);
		if (!"OBJECT".equals(named.get("kind"))) {
			return this.values.chance(0.01) ? " { name }" : "";
		}
		List<Map<String, Object>> fields = list(this.types.get(named.get("name")).get("fields"));
		if (this.values.chance(0.01)) {
			// an object without a selection
			return "";
		}
		List<String> picked = new ArrayList<>();
		for (Map<String, Object> field : fields) {
			String name = (String) field.get("name");
			Map<String, Object> fieldType = named(type(field.get("type")));
			boolean object = "OBJECT".equals(fieldType.get("kind"));
			if (name.equals("inspection") && !this.values.chance(0.05)) {
				continue;
			}
			if (!list(field.get("args")).isEmpty() || (object && depth >= 3) || !this.values.chance(0.5)) {
				continue;
			}
			String alias = this.values.chance(0.05) ? "x" + picked.size() + ": " : "";
			picked.add(alias + name + (object ? selection(type(field.get("type")), depth + 1) : ""));
		}
		if (picked.isEmpty() || this.values.chance(0.1)) {
			picked.add("__typename");
		}
		if (this.values.chance(0.02)) {
			picked.add("bogus");
		}
		String inner = String.join(" ", picked);
		String typeName = (String) named.get("name");
		if (this.values.chance(0.06)) {
			return " { ... on " + typeName + " { " + inner + " } }";
		}
		if (this.values.chance(0.06)) {
			String fragment = "F" + this.fragments.size();
			this.fragments.add("fragment " + fragment + " on " + typeName + " { " + inner + " }");
			return " { ..." + fragment + " }";
		}
		return " { " + inner + " }";
	}

	/**
	 * A request that is not, or not quite, GraphQL.
	 */
	private Generated malformed() {
		String document = switch (this.values.between(0, 11)) {
			case 0 -> new String(this.values.bytes(this.values.between(1, 200)),
					java.nio.charset.StandardCharsets.ISO_8859_1);
			case 1 -> "{ manager { version }";
			case 2 -> "{ " + "__schema { types { fields { type { " + "ofType { ".repeat(20) + "name" + " }".repeat(20)
					+ " } } } } }";
			case 3 -> "{ " + "m: manager { version } ".repeat(1)
					+ java.util.stream.IntStream.range(0, 400)
						.mapToObj((i) -> "a" + i + ": manager { version hostName }")
						.reduce("", (a, b) -> a + " " + b)
					+ " }";
			case 4 -> "{ manager { version } } { runtime { kind } }";
			case 5 -> "{ manager @bogus { version } }";
			case 6 -> "subscription { managerLogs(tail: 1, follow: false) { line } }";
			case 7 -> "query { " + "services { name } ".repeat(this.values.between(2, 50)) + "}";
			case 8 -> "query Q($x: NoSuchType) { manager { version } }";
			case 9 -> "{ manager { version } } fragment F on NoSuch { x }";
			case 10 -> "{ services(name: \"" + "\\u".repeat(3) + "\") { name } }";
			default -> this.values.string();
		};
		return new Generated(null, document, null, null, Map.of());
	}

	private String typeName(Map<String, Object> type) {
		return switch ((String) type.get("kind")) {
			case "NON_NULL" -> typeName(type(type.get("ofType"))) + "!";
			case "LIST" -> "[" + typeName(type(type.get("ofType"))) + "]";
			default -> (String) type.get("name");
		};
	}

	private String wrongTypeName(Map<String, Object> type) {
		String right = typeName(type);
		String wrong = this.values.pick("String", "Int!", "[String]", "Boolean", "ID!", "NoSuchType", "DateTime",
				"Role", right.endsWith("!") ? right.substring(0, right.length() - 1) : right + "!");
		return wrong;
	}

	private static Map<String, Object> named(Map<String, Object> type) {
		Map<String, Object> current = type;
		while (current.get("ofType") != null) {
			current = type(current.get("ofType"));
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> type(Object type) {
		return (Map<String, Object>) type;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object list) {
		return (list != null) ? (List<Map<String, Object>>) list : List.of();
	}

}
