package io.daeploy.manager.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes malformed HTTP for the proxy's sockets: bad request lines, bad header names,
 * huge and many headers, broken chunked bodies, every combination of
 * {@code Content-Length} and {@code Transfer-Encoding}, random bytes, a TLS hello, and
 * junk pipelined behind a good request.
 */
final class HostileProxyInput {

	/**
	 * What to write on one connection.
	 *
	 * @param bytes the bytes
	 * @param complete whether the proxy has all it needs to answer (otherwise the test
	 * ends its side of the connection after writing, and the proxy has to close)
	 * @param requests how many answers a well-behaved proxy may send, at most
	 * @param path the path of the first request, to tell service routes from the manager
	 * @param kind what sort of junk it is, for the report
	 */
	record Junk(byte[] bytes, boolean complete, int requests, String path, String kind) {
	}

	private static final byte[] TLS_HELLO = { 0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03,
			0x03 };

	private final HostileValues values;

	private final String authorization;

	HostileProxyInput(HostileValues values, String authorization) {
		this.values = values;
		this.authorization = authorization;
	}

	Junk next() {
		String path = path();
		return switch (this.values.between(0, 9)) {
			case 0, 1 -> badRequestLine(path);
			case 2 -> badHeaders(path);
			case 3 -> hugeHeaders(path);
			case 4 -> badChunks(path);
			case 5 -> lengthAndEncoding(path);
			case 6 -> randomBytes();
			case 7 -> pipelined(path);
			case 8 -> upgrade(path);
			default -> partial(path);
		};
	}

	private String path() {
		return this.values.pick("/services/hostile_web/", "/services/hostile_web/index.html",
				"/services/hostile_web_1.0.0/", "/services/hostile_dead/", "/services/nope/", "/services/",
				"/services/hostile_web", "/services/hostile_web/../../graphql", "/healthz", "/graphql", "/",
				"/auth/verify", "/services/hostile_web/%zz", "/services/hostile_web?x=" + this.values.word(),
				"/services/%2e%2e/graphql", "/services/hostile_web/\u00e9\u00e8");
	}

	private String auth() {
		return this.values.chance(0.5) ? "Authorization: " + this.authorization + "\r\n" : "";
	}

	private Junk badRequestLine(String path) {
		String method = this.values.pick("GET", "POST", "BREW", "G E T", "", "get", "GET\u0000", "CONNECT", "PRI",
				"M".repeat(this.values.between(1, 10_000)), "DELETE", "OPTIONS", "HEAD");
		String target = this.values.pick(path, "*", "http://evil.example/x", "//x", "",
				"/" + "p".repeat(this.values.between(1, 70_000)), "/\u0000", "/services/hostile_web/ " + "x", "%", "?",
				"/#frag", "127.0.0.1:80", "/services/hostile_web/\r");
		String version = this.values.pick("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTP/1.1 extra", "",
				"http/1.1", "HTTP/1.", "HTTP/01.1", "HTTP/1.1\u0000");
		String line = method + " " + target + (version.isEmpty() ? "" : " " + version);
		String request = line + "\r\nHost: 127.0.0.1\r\n" + auth() + "Content-Length: 0\r\n\r\n";
		return new Junk(utf8(request), true, 1, path, "request line");
	}

	private Junk badHeaders(String path) {
		StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth());
		for (int i = this.values.between(1, 3); i > 0; i--) {
			request.append(this.values.pick("Bad Name: x\r\n", ": empty\r\n", "X\u0001: y\r\n", "NoColon\r\n",
					" folded: continuation\r\n", "X-Folded: a\r\n b\r\n", "Host: second.example\r\n",
					":authority: evil\r\n", "X-\u00e9: \u00e9\r\n", "X-Nul: a\u0000b\r\n", "X-Cr: a\rb\r\n",
					"Content-Length : 0\r\n", "Transfer-Encoding\t: chunked\r\n", "X-Empty:\r\n", "\u0000\u0000: x\r\n",
					"Cookie: daeploy=" + "c".repeat(this.values.between(10, 3000)) + "\r\n",
					"Authorization: Bearer " + "\u00ff".repeat(10) + "\r\n", "Authorization: Basic x\r\n",
					"Authorization: Bearer\r\n", "X-Forwarded-For: 1.1.1.1\r\n", "X-Daeploy-User: admin\r\n",
					"X-Daeploy-Entry: dashboard\r\n"));
		}
		request.append("\r\n");
		return new Junk(utf8(request.toString()), true, 1, path, "header names");
	}

	private Junk hugeHeaders(String path) {
		StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth());
		if (this.values.chance(0.5)) {
			request.append("X-Huge: ").append("h".repeat(this.values.between(8_000, 100_000))).append("\r\n");
		}
		else {
			int count = this.values.between(100, 3000);
			for (int i = 0; i < count; i++) {
				request.append("X-Many-").append(i).append(": ").append(this.values.word()).append("\r\n");
			}
		}
		request.append("\r\n");
		return new Junk(utf8(request.toString()), true, 1, path, "huge headers");
	}

	private Junk badChunks(String path) {
		String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth()
				+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
		String body = this.values.pick("zz\r\nhello\r\n0\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n",
				"FFFFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n", "5;ext=\"x\r\nhello\r\n0\r\n\r\n",
				"5\r\nhelloXX0\r\n\r\n", "3\r\nhello\r\n0\r\n\r\n", "5\r\nhello\r\n0\r\nTrailer: x\r\n\r\n",
				"5 \r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n", "\r\n\r\n", "5\nhello\n0\n\n",
				"1\r\n" + "x" + "\r\n".repeat(3) + "0\r\n\r\n", "7fffffff\r\nxx\r\n");
		boolean complete = !body.startsWith("7fffffff") && !body.startsWith("3\r\n");
		return new Junk(utf8(head + body), complete, 1, path, "chunks");
	}

	private Junk lengthAndEncoding(String path) {
		String framing = this.values.pick("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
				"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "Content-Length: 5\r\nContent-Length: 6\r\n",
				"Content-Length: 5\r\nContent-Length: 5\r\n", "Content-Length: -1\r\n", "Content-Length: abc\r\n",
				"Content-Length: 1e3\r\n", "Content-Length:  5\r\n", "Content-Length: 5, 5\r\n",
				"Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: chunked, identity\r\n",
				"Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
				"Transfer-Encoding: identity\r\n", "Transfer-Encoding: gzip, chunked\r\n",
				"Transfer-Encoding: CHUNKED\r\n", "Content-Length: +5\r\n");
		String version = this.values.pick("HTTP/1.1", "HTTP/1.0");
		String body = this.values.pick("5\r\nhello\r\n0\r\n\r\n", "hello", "0\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n");
		String request = "POST " + path + " " + version + "\r\nHost: 127.0.0.1\r\n" + auth() + framing + "\r\n" + body;
		// a proxy may wait for a body it was promised: the test then ends its side
		return new Junk(utf8(request), false, 3, path, "length and encoding");
	}

	private Junk randomBytes() {
		byte[] bytes = this.values.chance(0.2) ? TLS_HELLO : this.values.bytes(this.values.between(1, 5000));
		return new Junk(bytes, false, 3, "", "random bytes");
	}

	private Junk pipelined(String path) {
		StringBuilder request = new StringBuilder();
		int count = this.values.between(2, 6);
		for (int i = 0; i < count; i++) {
			if (this.values.chance(0.6)) {
				request.append("GET ")
					.append(i == 0 ? "/healthz" : this.values.pick(path, "/healthz"))
					.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
					.append(auth())
					.append("\r\n");
			}
			else {
				request.append(this.values.pick("JUNK\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
						"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
						new String(this.values.bytes(40), StandardCharsets.ISO_8859_1)));
			}
		}
		return new Junk(utf8(request.toString()), false, count, "/healthz", "pipelined");
	}

	private Junk upgrade(String path) {
		String headers = this.values.pick(
				"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
						+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
				"Connection: Upgrade\r\nUpgrade: websocket\r\n",
				"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
						+ "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n",
				"Upgrade: websocket\r\n", "Connection: keep-alive, Upgrade\r\nUpgrade: \u00e9\r\n");
		String request = "GET " + this.values.pick(path, "/graphql") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth()
				+ headers + "\r\n";
		// an upgraded connection stays open for frames: the test ends its side
		return new Junk(utf8(request), false, 1, path, "upgrade");
	}

	private Junk partial(String path) {
		String full = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth()
				+ "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":";
		int cut = this.values.between(1, full.length());
		return new Junk(utf8(full.substring(0, cut)), false, 1, path, "partial");
	}

	private static byte[] utf8(String text) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
		// characters above 0xff as UTF-8, the rest as the single bytes they stand for
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c <= 0xff) {
				out.write(c);
			}
			else {
				out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
			}
		}
		return out.toByteArray();
	}

}
