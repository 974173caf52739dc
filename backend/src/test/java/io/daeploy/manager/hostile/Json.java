package io.daeploy.manager.hostile;

import java.util.List;
import java.util.Map;

/**
 * Writes the suite's generated values as JSON and as GraphQL literals, escaping every
 * character outside printable ASCII as {@code \\uXXXX}, so lone surrogates and NULs reach
 * the server as the escapes a hostile client would send, not as replacement characters.
 */
final class Json {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private Json() {
	}

	/** An enum value: bare in a GraphQL literal, a string in JSON. */
	record EnumValue(String name) {
	}

	/** A number written exactly as given, such as {@code 1E309}. */
	record RawNumber(String text) {
	}

	/** A GraphQL variable reference, {@code $name}; never written as JSON. */
	record Variable(String name) {
	}

	static String write(Object value) {
		StringBuilder out = new StringBuilder();
		write(value, out);
		return out.toString();
	}

	static void write(Object value, StringBuilder out) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof String text) {
			quote(text, out);
		}
		else if (value instanceof EnumValue e) {
			quote(e.name(), out);
		}
		else if (value instanceof RawNumber n) {
			out.append(n.text());
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else if (value instanceof Map<?, ?> map) {
			out.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					out.append(',');
				}
				first = false;
				quote(String.valueOf(entry.getKey()), out);
				out.append(':');
				write(entry.getValue(), out);
			}
			out.append('}');
		}
		else if (value instanceof List<?> list) {
			out.append('[');
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				write(list.get(i), out);
			}
			out.append(']');
		}
		else {
			throw new IllegalArgumentException("Cannot write " + value.getClass());
		}
	}

	/**
	 * A GraphQL input literal.
	 * @param value the value
	 * @return its literal text
	 */
	static String literal(Object value) {
		StringBuilder out = new StringBuilder();
		literal(value, out);
		return out.toString();
	}

	private static void literal(Object value, StringBuilder out) {
		if (value instanceof EnumValue e) {
			out.append(e.name());
		}
		else if (value instanceof Variable v) {
			out.append('$').append(v.name());
		}
		else if (value instanceof Map<?, ?> map) {
			out.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					out.append(", ");
				}
				first = false;
				out.append(entry.getKey()).append(": ");
				literal(entry.getValue(), out);
			}
			out.append('}');
		}
		else if (value instanceof List<?> list) {
			out.append('[');
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) {
					out.append(", ");
				}
				literal(list.get(i), out);
			}
			out.append(']');
		}
		else {
			// strings, numbers, booleans and null read the same in both
			write(value, out);
		}
	}

	private static void quote(String text, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20 || c > 0x7e) {
						out.append("\\u")
							.append(HEX[(c >> 12) & 0xf])
							.append(HEX[(c >> 8) & 0xf])
							.append(HEX[(c >> 4) & 0xf])
							.append(HEX[c & 0xf]);
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
