package io.daeploy.manager.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the audit log may keep of a mutation's arguments: everything but secrets.
 * Passwords, tokens and secrets (by the argument's name, at any depth) become
 * {@code ***}, and so does the value of an environment variable marked {@code secret}
 * ({@code {name, value, secret: true}}).
 */
final class AuditRedaction {

	static final String MASK = "***";

	private static final Pattern SECRET = Pattern.compile("(?i).*(password|token|secret|credential).*");

	private AuditRedaction() {
	}

	/**
	 * An argument as the audit log keeps it.
	 * @param key the argument's name
	 * @param value its value: a map, a list or a scalar
	 * @return the value with secrets masked
	 */
	@SuppressWarnings("unchecked")
	static Object redact(String key, Object value) {
		if (key != null && SECRET.matcher(key).matches() && !(value instanceof Boolean)) {
			return (value != null) ? MASK : null;
		}
		if (value instanceof Map<?, ?> map) {
			boolean secretVariable = Boolean.TRUE.equals(map.get("secret")) && map.containsKey("value");
			Map<String, Object> redacted = new LinkedHashMap<>();
			((Map<String, Object>) map)
				.forEach((k, v) -> redacted.put(k, (secretVariable && "value".equals(k)) ? MASK : redact(k, v)));
			return redacted;
		}
		if (value instanceof List<?> list) {
			return list.stream().map((item) -> redact(null, item)).toList();
		}
		return value;
	}

	/**
	 * All arguments of a mutation, as the audit log keeps them.
	 * @param arguments the arguments by name
	 * @return them redacted, in order
	 */
	static Map<String, Object> redactAll(Map<String, Object> arguments) {
		Map<String, Object> redacted = new LinkedHashMap<>();
		arguments.forEach((name, value) -> redacted.put(name, redact(name, value)));
		return redacted;
	}

}
