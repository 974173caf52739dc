package io.daeploy.manager.hostile;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The hostile suite's source of values, all drawn from one seeded
 * {@link SplittableRandom}, so one seed always gives the same run: strings of every kind
 * (plausible, huge, unicode with lone surrogates and NULs, injection text of many
 * languages), numbers at the edges, and the odd choices the generators make.
 */
final class HostileValues {

	/** Text that means something to some interpreter the input might reach. */
	static final List<String> INJECTIONS = List.of("' OR '1'='1", "\"; DROP TABLE users; --", "1; DELETE FROM tokens",
			"admin'--", "') OR 1=1 --", "$(id)", "`reboot`", "; rm -rf / ;", "| cat /etc/passwd", "&& curl 127.0.0.1",
			"../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "..%2f..%2f..%2fetc%2fpasswd",
			"/var/run/docker.sock", "/proc/self/environ", "file:///etc/shadow", "${jndi:ldap://127.0.0.1:1389/a}",
			"${env:HOME}", "#{7*7}", "{{7*7}}", "<%= 7*7 %>", "<script>alert(1)</script>",
			"\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "\r\nSet-Cookie: daeploy=evil",
			"\r\n\r\nHTTP/1.1 200 OK\r\n", "%0d%0aLocation:%20http://evil", "%00", "%s%s%s%n", "__proto__",
			"constructor", "{\"$gt\": \"\"}", "*)(uid=*))(|(uid=*", "<!ENTITY x SYSTEM \"file:///\">", "\\u0000",
			"' UNION SELECT password_hash FROM users --", "daeploy.auth", "daeploy-network", "//evil.example",
			"http://169.254.169.254/latest/meta-data/", "\\\\evil\\share", "null", "undefined", "NaN", "true", "-1",
			"0", "query { users { username } }", "mutation { deleteUser(input: {username: \"x\"}) { username } }");

	/** Characters that tend to break parsers, encoders and terminals. */
	static final List<String> UNICODE = List.of("😀", "👩‍👩‍👧‍👦", "\u202Egnp.exe", "\u200B", "\u200D", "\uFEFF",
			"\u2028", "\u2029", "\u0000", "\u0007", "\u001B[31m", "\t", "\n", "\r", "é", "e\u0301", "ß", "İ", "Ω", "中文",
			"עברית", "العربية", "\uD800", "\uDFFF", "\uDBFF\uDFFF", "\uFFFF", "\uFFFE", "\u00A0", "\u3000", "\uFF0F",
			"\u2215", "Ａ", "ǅ", "\u0130", "\\", "\"", "'", "`", "{", "}", "[", "]", "$", "#", "@", "%", "&", "+", "=",
			"/", ":", ";", "?", "<", ">", "|", "~", "^");

	/** Integers at the edges of int, long and double precision. */
	static final List<Long> EDGE_INTEGERS = List.of(0L, -1L, 1L, 2L, 6L, 8000L, 65535L, 65536L, 86400L, 86401L, 3650L,
			3651L, 500L, 501L, 10000L, 10001L, 100000L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE, 1L << 31,
			-(1L << 31) - 1, 1L << 32, 1L << 53, (1L << 53) + 1, Long.MAX_VALUE, Long.MIN_VALUE);

	/** JSON or GraphQL number texts that are not plain ints. */
	static final List<String> ODD_NUMBERS = List.of("1.5", "-0", "0.0", "1e3", "1E309", "-1e309", "1e-400",
			"9223372036854775808", "123456789012345678901234567890", "0.1", "2.5e-3", "100000000000000000000.0");

	private final SplittableRandom random;

	HostileValues(long seed) {
		this.random = new SplittableRandom(seed);
	}

	boolean chance(double probability) {
		return this.random.nextDouble() < probability;
	}

	int between(int from, int to) {
		return (from >= to) ? from : from + this.random.nextInt(to - from + 1);
	}

	<T> T pick(List<T> values) {
		return values.get(this.random.nextInt(values.size()));
	}

	@SafeVarargs
	final <T> T pick(T... values) {
		return values[this.random.nextInt(values.length)];
	}

	double nextDouble() {
		return this.random.nextDouble();
	}

	long nextLong() {
		return this.random.nextLong();
	}

	byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) this.random.nextInt(256);
		}
		return bytes;
	}

	/**
	 * A length mostly small, sometimes large, rarely huge (up to about 1 MiB).
	 * @return the length
	 */
	int length() {
		double roll = this.random.nextDouble();
		if (roll < 0.80) {
			return between(0, 24);
		}
		if (roll < 0.95) {
			return between(25, 300);
		}
		if (roll < 0.99) {
			return between(301, 20_000);
		}
		return between(20_001, 1_100_000);
	}

	/**
	 * A hostile string: plausible words, injection text, unicode, huge runs and mixes of
	 * them.
	 * @return the string
	 */
	String string() {
		double roll = this.random.nextDouble();
		if (roll < 0.25) {
			return word();
		}
		if (roll < 0.45) {
			return pick(INJECTIONS);
		}
		if (roll < 0.55) {
			return "";
		}
		int length = length();
		StringBuilder text = new StringBuilder(Math.min(length, 1_100_000) + 16);
		int kind = this.random.nextInt(4);
		while (text.length() < length) {
			switch (kind) {
				case 0 -> text.append((char) ('a' + this.random.nextInt(26)));
				case 1 -> text.append(pick(UNICODE));
				case 2 -> text.append((char) this.random.nextInt(0x10000));
				default -> text.append(chance(0.5) ? pick(INJECTIONS) : pick(UNICODE));
			}
		}
		return text.toString();
	}

	/** A short lower-case word, such as a plausible name. */
	String word() {
		int length = between(1, 12);
		StringBuilder word = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			word.append((char) ('a' + this.random.nextInt(26)));
		}
		return word.toString();
	}

	/**
	 * A number for an integer argument, as literal text: edge values mostly, now and then
	 * something that is not an int at all.
	 * @return the number's text
	 */
	String integerText() {
		if (chance(0.15)) {
			return pick(ODD_NUMBERS);
		}
		if (chance(0.3)) {
			return Integer.toString(between(-5, 120));
		}
		return Long.toString(pick(EDGE_INTEGERS));
	}

}
