package io.daeploy.manager.hostile;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes hostile requests for the manager's REST endpoints: sign-in as a form and as JSON
 * with every sort of {@code Origin}, sign-out, the forward-auth check with made-up
 * forwarding headers, the original SDK's {@code /notifications/} with mutated bodies, and
 * methods, paths, content types and headers nobody should send.
 */
final class HostileRest {

	/**
	 * One generated request.
	 *
	 * @param request what to send
	 * @param path the endpoint it is meant for, e.g. {@code /auth/login}
	 */
	record Generated(RawHttp.Request request, String path) {
	}

	private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
			"application/json; charset=utf-16", "application/x-www-form-urlencoded", "text/plain", "text/html",
			"multipart/form-data", "multipart/form-data; boundary=", "application/xml", "*/*", "application/json;;;",
			"application/", "\u00e9/\u00e9", "application/graphql-response+json", "x".repeat(3000));

	/** The plain user's password, so some sign-ins succeed. */
	static final String USER_PASSWORD = "hostile-user-password";

	private final HostileValues values;

	private final List<String> origins;

	HostileRest(HostileValues values, List<String> origins) {
		this.values = values;
		this.origins = origins;
	}

	/**
	 * The next request.
	 * @param authorization an {@code Authorization} header value, or {@code null}
	 * @return the request
	 */
	Generated next(String authorization, boolean mutating) {
		double roll = this.values.nextDouble();
		Generated generated;
		if (mutating) {
			if (roll < 0.25) {
				generated = formLogin();
			}
			else if (roll < 0.45) {
				generated = jsonLogin();
			}
			else if (roll < 0.55) {
				generated = logout("POST");
			}
			else if (roll < 0.90) {
				generated = raiseNotification();
			}
			else if (roll < 0.93) {
				generated = new Generated(
						new RawHttp.Request("DELETE", this.values.pick("/notifications/", "/notifications")),
						"/notifications");
			}
			else {
				generated = odd(this.values.pick("PUT", "PATCH", "DELETE", "POST", "BREW"));
			}
		}
		else if (roll < 0.15) {
			generated = new Generated(new RawHttp.Request("GET", "/auth/login?destination=" + queryValue()),
					"/auth/login");
		}
		else if (roll < 0.22) {
			generated = logout("GET");
		}
		else if (roll < 0.62) {
			generated = verify();
		}
		else if (roll < 0.80) {
			generated = new Generated(new RawHttp.Request("GET", this.values.pick("/notifications/", "/notifications")),
					"/notifications");
		}
		else {
			generated = odd(this.values.pick("OPTIONS", "HEAD", "TRACE", "GET", "get", "CONNECT"));
		}
		RawHttp.Request request = generated.request();
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		decorate(request);
		return generated;
	}

	private Generated formLogin() {
		RawHttp.Request request = new RawHttp.Request("POST",
				this.values.chance(0.8) ? "/auth/login" : "/auth/login?destination=" + queryValue());
		StringBuilder form = new StringBuilder();
		if (this.values.chance(0.9)) {
			form.append("username=").append(formValue(this.values.pick("admin", "hostile_user", this.values.string())));
		}
		if (this.values.chance(0.9)) {
			form.append("&password=")
				.append(formValue(this.values.pick("wrong-password", USER_PASSWORD, this.values.string())));
		}
		if (this.values.chance(0.4)) {
			form.append("&destination=").append(formValue(destination()));
		}
		if (this.values.chance(0.1)) {
			form.append(this.values.pick("&%zz=1", "&=", "&&&", "&username=second", "%", "&a=%E0%A4%A"));
		}
		request.body(this.values.chance(0.9) ? "application/x-www-form-urlencoded" : this.values.pick(CONTENT_TYPES),
				form.toString());
		origin(request);
		return new Generated(request, "/auth/login");
	}

	private Generated jsonLogin() {
		RawHttp.Request request = new RawHttp.Request("POST", "/auth/login");
		String body;
		if (this.values.chance(0.7)) {
			Map<String, Object> credentials = new LinkedHashMap<>();
			if (this.values.chance(0.9)) {
				credentials.put("username", jsonValue(this.values.pick("admin", "hostile_user")));
			}
			if (this.values.chance(0.9)) {
				credentials.put("password", jsonValue(this.values.pick("wrong-password", USER_PASSWORD)));
			}
			if (this.values.chance(0.1)) {
				credentials.put(this.values.pick("destination", "role", "__proto__"), jsonValue("x"));
			}
			body = Json.write(credentials);
		}
		else {
			body = brokenJson();
		}
		request.body(this.values.chance(0.85) ? "application/json" : this.values.pick(CONTENT_TYPES), body);
		origin(request);
		return new Generated(request, "/auth/login");
	}

	private Generated logout(String method) {
		RawHttp.Request request = new RawHttp.Request(method, "/auth/logout");
		if (this.values.chance(0.6)) {
			request.header("Cookie", "daeploy=" + this.values.pick("", "x", "eyJhbGciOiJIUzI1NiJ9.e30.x",
					this.values.string().replace("\r", "").replace("\n", "")));
		}
		if (this.values.chance(0.5)) {
			request.body(this.values.pick(CONTENT_TYPES), this.values.chance(0.5) ? "" : this.values.string());
		}
		origin(request);
		return new Generated(request, "/auth/logout");
	}

	private Generated verify() {
		RawHttp.Request request = new RawHttp.Request("GET", "/auth/verify");
		if (this.values.chance(0.6)) {
			request.header("X-Forwarded-Host", headerValue(this.values.pick("localhost", "127.0.0.1:5080", "[::1]:80",
					"evil.example", "a b", "localhost:99999", "[::1", "@evil", this.values.string())));
		}
		if (this.values.chance(0.6)) {
			request.header("X-Forwarded-Uri", headerValue(this.values.pick("/services/x/", "/", "//evil", "/a?b=c#d",
					"javascript:x", "/%zz", "/" + this.values.string())));
		}
		if (this.values.chance(0.4)) {
			request.header("X-Forwarded-Proto",
					headerValue(this.values.pick("http", "https", "ftp", "", "HTTPS", this.values.string())));
		}
		if (this.values.chance(0.3)) {
			request.header("X-Forwarded-Method", this.values.pick("GET", "DELETE", "X"));
		}
		if (this.values.chance(0.4)) {
			request.header("Cookie", "daeploy=" + headerValue(this.values.pick("", "garbage",
					"eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.", this.values.string())));
		}
		return new Generated(request, "/auth/verify");
	}

	private Generated raiseNotification() {
		RawHttp.Request request = new RawHttp.Request("POST", this.values.pick("/notifications/", "/notifications"));
		String body;
		if (this.values.chance(0.8)) {
			Map<String, Object> sdk = new LinkedHashMap<>();
			put(sdk, "service_name", 0.6, () -> jsonValue(this.values.pick("hostile_svc", "Manager", "other")));
			put(sdk, "service_version", 0.6, () -> jsonValue(this.values.pick("1.0.0", "9.9.9")));
			put(sdk, "msg", 0.92, () -> jsonValue("hostile notification " + this.values.word()));
			put(sdk, "severity", 0.8, () -> this.values.chance(0.7) ? this.values.between(-1, 3) : jsonValue("1"));
			put(sdk, "dashboard", 0.6, () -> this.values.chance(0.8) ? this.values.chance(0.5) : jsonValue("yes"));
			put(sdk, "emails", 0.4, () -> this.values.chance(0.7)
					? List.of(this.values.pick("ops@example.com", "a@b", "x@y@z", "")) : jsonValue("ops@example.com"));
			put(sdk, "timer", 0.5, () -> this.values.chance(0.7) ? this.values.pick(0, 60, -5, 86401)
					: new Json.RawNumber(this.values.integerText()));
			put(sdk, "timestamp", 0.5, () -> jsonValue("2026-01-01 00:00:00.000000"));
			body = Json.write(sdk);
		}
		else {
			body = brokenJson();
		}
		request.body(this.values.chance(0.9) ? "application/json" : this.values.pick(CONTENT_TYPES), body);
		return new Generated(request, "/notifications");
	}

	private Generated odd(String method) {
		String path = this.values.pick("/auth/login", "/auth/verify", "/auth/logout", "/notifications/", "/healthz",
				"/", "/graphql", "/graphiql", "/auth/", "/auth/verify/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
				"/notifications/1", "/notifications/../graphql", "/api/rawdata", "/index.html", "/assets/../../x",
				"/auth/login;jsessionid=x", "/auth/login%00", "/" + "a".repeat(this.values.between(1, 9000)));
		RawHttp.Request request = new RawHttp.Request(method, path);
		if (this.values.chance(0.5)) {
			request.body(this.values.pick(CONTENT_TYPES), this.values.string());
		}
		return new Generated(request, path);
	}

	private void decorate(RawHttp.Request request) {
		if (this.values.chance(0.15)) {
			request.header("Accept", this.values.pick("application/json", "text/html", "*/*", "garbage", "",
					"application/graphql-response+json", "text/event-stream"));
		}
		if (this.values.chance(0.1)) {
			request.header("X-Forwarded-For", headerValue(this.values.pick("203.0.113.7", "::1", "1.2.3.4, 5.6.7.8", "",
					"not-an-address", this.values.string())));
		}
		if (this.values.chance(0.05)) {
			request.header("X-Daeploy-Entry", this.values.pick("dashboard", "services", "x"));
		}
		if (this.values.chance(0.05)) {
			request.header("X-Hostile-" + this.values.word(), headerValue(this.values.string()));
		}
		if (this.values.chance(0.03)) {
			request.header("Host", headerValue(this.values.pick("localhost", "evil.example", "", "[::1]", "127.0.0.1:1",
					this.values.word() + ".example")));
		}
		if (this.values.chance(0.02)) {
			request.header("X-Huge", "h".repeat(this.values.between(4000, 20_000)));
		}
	}

	private void origin(RawHttp.Request request) {
		if (this.values.chance(0.7)) {
			request.header("Origin",
					this.values.chance(0.5) ? this.values.pick(this.origins)
							: this.values.pick("null", "http://evil.example", "http://localhost", "https://127.0.0.1",
									"", headerValue(this.values.string())));
		}
		if (this.values.chance(0.2)) {
			request.header("Referer", this.values.pick(this.origins) + "/auth/login");
		}
		if (this.values.chance(0.3)) {
			request.header("Sec-Fetch-Site", this.values.pick("same-origin", "cross-site", "none", "x"));
		}
	}

	private String destination() {
		return this.values.pick("/", "/services/x/", "//evil.example", "https://evil.example/", "javascript:alert(1)",
				"/\\evil", "http://127.0.0.1:1/", "\r\nLocation: http://evil", this.values.string());
	}

	private String queryValue() {
		String destination = destination();
		return this.values.chance(0.7) ? URLEncoder.encode(destination, StandardCharsets.UTF_8)
				: this.values.pick("%", "%zz", "%E0%A4%A", "a b", "\u00e9", "x#y", "%0d%0aX:y");
	}

	private String formValue(String value) {
		return this.values.chance(0.9) ? URLEncoder.encode(value, StandardCharsets.UTF_8) : value;
	}

	/**
	 * A header value that keeps the request parseable: no line breaks.
	 */
	private static String headerValue(String value) {
		String text = value.replace("\r", "").replace("\n", "");
		return (text.length() > 6000) ? text.substring(0, 6000) : text;
	}

	private Object jsonValue(String plausible) {
		return switch (this.values.between(0, 9)) {
			case 0 -> this.values.string();
			case 1 -> new Json.RawNumber(this.values.integerText());
			case 2 -> null;
			case 3 -> List.of(plausible);
			case 4 -> Map.of("value", plausible);
			case 5 -> this.values.chance(0.5);
			default -> plausible;
		};
	}

	private String brokenJson() {
		return this.values.pick("", "{", "}", "[]", "null", "\"text\"", "1", "{\"username\":}", "{\"msg\": \"x\",}",
				"{'msg': 'x'}", "{\"msg\": \"\\ud800\"}", "{\"msg\": \"x\"} trailing",
				"{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}", "\u0000\u0001", "{\"msg\": 1e999999}",
				"{\"msg\": \"" + "x".repeat(this.values.between(1, 300_000)) + "\"}", this.values.string());
	}

	private void put(Map<String, Object> body, String key, double probability,
			java.util.function.Supplier<Object> value) {
		if (this.values.chance(probability)) {
			body.put(key, value.get());
		}
	}

	static List<String> originsOf(List<Integer> ports) {
		List<String> origins = new ArrayList<>();
		for (int port : ports) {
			origins.add("http://127.0.0.1:" + port);
			origins.add("http://localhost:" + port);
		}
		return origins;
	}

}
