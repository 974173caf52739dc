package io.daeploy.manager.build;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code .s2i/environment}: one {@code NAME=value} a line, {@code #} comments and
 * blank lines ignored. Spaces around {@code =} and one pair of quotes around the value
 * are dropped, so the original's {@code APP_FILE = service.py} reads as S2I reads it.
 */
final class S2iEnvironment {

	private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

	private S2iEnvironment() {
	}

	/**
	 * Parses the file.
	 * @param bytes the file, or {@code null} when there is none
	 * @return the variables in order; lines that are not variables are skipped
	 */
	static Map<String, String> parse(byte[] bytes) {
		Map<String, String> env = new LinkedHashMap<>();
		if (bytes == null) {
			return env;
		}
		for (String raw : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
			String line = raw.strip();
			int eq = line.indexOf('=');
			if (line.isEmpty() || line.startsWith("#") || eq <= 0) {
				continue;
			}
			String name = line.substring(0, eq).strip();
			String value = line.substring(eq + 1).strip();
			if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
					&& value.charAt(value.length() - 1) == value.charAt(0)) {
				value = value.substring(1, value.length() - 1);
			}
			if (NAME.matcher(name).matches() && value.indexOf('\0') < 0) {
				env.put(name, value);
			}
		}
		return env;
	}

}
