package io.daeploy.manager.proxy.embedded;

import java.io.EOFException;
import java.util.List;

import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the embedded proxy frames what it relays, both ways, against raw clients and fake
 * backends on 127.0.0.1: requests framed two ways (smuggling) are refused, answers a
 * backend frames badly never reach the client as a complete answer, answers whose body
 * ends with the backend's connection arrive whole, and connection-scoped headers stay on
 * their connection.
 */
class EmbeddedProxyFramingTests {

	private static final String GET = "GET /services/svc/ping HTTP/1.1\r\nHost: proxy\r\n\r\n";

	private final ProxyFixture fixture = new ProxyFixture();

	@AfterEach
	void stop() throws Exception {
		this.fixture.close();
	}

	@Test
	void requestsFramedTwoWaysAreRefused() throws Exception {
		RawHttp.Backend echo = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS).route(echo);
		String post = "POST /services/svc/x HTTP/1.1\r\nHost: proxy\r\n";
		String smuggled = "0\r\n\r\nGET /services/svc/smuggled HTTP/1.1\r\nHost: proxy\r\n\r\n";
		List<String> attacks = List.of(
				// CL.TE and TE.CL
				post + "Content-Length: " + smuggled.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n" + smuggled,
				post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + smuggled,
				// obfuscated Transfer-Encoding
				post + "Transfer-Encoding: xchunked\r\n\r\n" + smuggled,
				post + "Transfer-Encoding: chunked, identity\r\n\r\n" + smuggled,
				post + "Transfer-Encoding: gzip, chunked\r\n\r\n" + smuggled,
				post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + smuggled,
				post + "Transfer-Encoding : chunked\r\n\r\n" + smuggled,
				post + "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello" + smuggled,
				"POST /services/svc/x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + smuggled,
				// lengths that parse two ways
				post + "Content-Length: +5\r\n\r\nhello" + smuggled,
				post + "Content-Length: 5, 5\r\n\r\nhello" + smuggled,
				post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!" + smuggled,
				// a chunk that is not one
				post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n" + smuggled);
		for (String attack : attacks) {
			try (RawHttp.Client client = this.fixture.client()) {
				client.send(attack);
				assertThat(client.read().status()).as(attack).isEqualTo(400);
				assertThat(client.closedByProxy()).as(attack).isTrue();
			}
		}
		assertThat(echo.received).as("what reached the service").isEmpty();
	}

	@Test
	void aChunkedRequestIsForwardedChunked() throws Exception {
		RawHttp.Backend echo = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS).route(echo);
		try (RawHttp.Client client = this.fixture.client()) {
			client.send("POST /services/svc/x HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: Chunked\r\n\r\n"
					+ "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
			RawHttp.Response response = client.read();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("POST /x HTTP/1.1 11");
		}
		assertThat(echo.received.get(0).body()).isEqualTo("hello world");
	}

	@Test
	void malformedAnswersBecomeBadGateway() throws Exception {
		List<String> answers = List.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
				"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello",
				"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\nhello",
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello",
				"HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(40_000) + "\r\nContent-Length: 5\r\n\r\nhello",
				"HTTP/1.1 abc Nonsense\r\nContent-Length: 5\r\n\r\nhello", "SSH-2.0-OpenSSH_9.2\r\n\r\n", "");
		for (String answer : answers) {
			try (ProxyFixture fixture = new ProxyFixture()) {
				fixture.start(Limits.DEFAULTS).route(fixture.answering(answer, true));
				try (RawHttp.Client client = fixture.client()) {
					RawHttp.Response response = client.send(GET).read();
					assertThat(response.status()).as(answer.substring(0, Math.min(60, answer.length()))).isEqualTo(502);
				}
				assertThat(fixture.stats.snapshot("svc_1.0.0").serverErrors()).isEqualTo(1);
			}
		}
	}

	@Test
	void anAnswerCutInItsBodyNeverReachesTheClientComplete() throws Exception {
		List<String> answers = List.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n",
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
				"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
		for (String answer : answers) {
			try (ProxyFixture fixture = new ProxyFixture()) {
				fixture.start(Limits.DEFAULTS).route(fixture.answering(answer, true));
				try (RawHttp.Client client = fixture.client()) {
					client.send(GET);
					assertThatExceptionOfType(EOFException.class).as(answer).isThrownBy(client::read);
				}
			}
		}
	}

	@Test
	void aCloseDelimitedAnswerReachesAnHttp11ClientWholeAndChunked() throws Exception {
		// an HTTP/1.0 server: no length, the body ends when it closes; written in parts
		RawHttp.Backend old = this.fixture
			.answering("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n||hello ||world", true);
		this.fixture.start(Limits.DEFAULTS).route(old);
		try (RawHttp.Client client = this.fixture.client()) {
			for (int i = 0; i < 2; i++) {
				RawHttp.Response response = client.send(GET).read();
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.version()).isEqualTo("HTTP/1.1");
				assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
				assertThat(response.body()).isEqualTo("hello world");
			}
		}
		assertThat(old.connections.get()).as("one backend connection per answer").isEqualTo(2);
	}

	@Test
	void aCloseDelimitedAnswerReachesAnHttp10ClientWhole() throws Exception {
		// busybox httpd running a CGI script: HTTP/1.1, no length, then it closes
		this.fixture.start(Limits.DEFAULTS)
			.route(this.fixture.answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfrom cgi\n", true));
		try (RawHttp.Client client = this.fixture.client()) {
			RawHttp.Response response = client.send("GET /services/svc/cgi-bin/echo HTTP/1.0\r\n\r\n").read();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.has("transfer-encoding")).isFalse();
			assertThat(response.body()).isEqualTo("from cgi\n");
		}
	}

	@Test
	void answersWithoutABodyStayWithoutOne() throws Exception {
		RawHttp.Backend backend = this.fixture.backend(new RawHttp.Backend((request) -> switch (request.line()) {
			case "HEAD /head HTTP/1.1" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
			case "GET /empty HTTP/1.1" -> "HTTP/1.1 204 No Content\r\n\r\n";
			case "GET /same HTTP/1.1" -> "HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n";
			default -> "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext";
		}, false));
		this.fixture.start(Limits.DEFAULTS).route(backend);
		try (RawHttp.Client client = this.fixture.client()) {
			RawHttp.Response head = client.send("HEAD /services/svc/head HTTP/1.1\r\nHost: proxy\r\n\r\n").readHead();
			assertThat(head.status()).isEqualTo(200);
			assertThat(client.send("GET /services/svc/empty HTTP/1.1\r\nHost: proxy\r\n\r\n").read().status())
				.isEqualTo(204);
			assertThat(client.send("GET /services/svc/same HTTP/1.1\r\nHost: proxy\r\n\r\n").read().status())
				.isEqualTo(304);
			// had any of them gained a body, this answer would not parse
			RawHttp.Response next = client.send(GET).read();
			assertThat(next.status()).isEqualTo(200);
			assertThat(next.body()).isEqualTo("next");
		}
	}

	@Test
	void hopByHopHeadersAndThoseNamedInConnectionStayOnTheirConnection() throws Exception {
		RawHttp.Backend backend = this.fixture.backend(new RawHttp.Backend(
				(request) -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: X-Internal, keep-alive\r\n"
						+ "X-Internal: backend secret\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\n"
						+ "X-Public: yes\r\n\r\nok",
				false));
		this.fixture.start(Limits.DEFAULTS).route(backend);
		try (RawHttp.Client client = this.fixture.client()) {
			RawHttp.Response response = client
				.send("GET /services/svc/h HTTP/1.1\r\nHost: proxy\r\nConnection: keep-alive, X-Secret, Cookie\r\n"
						+ "X-Secret: client secret\r\nCookie: theme=dark\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
						+ "Proxy-Authorization: Basic cHJveHk6cHc=\r\nProxy-Connection: keep-alive\r\n"
						+ "X-Kept: yes\r\n\r\n")
				.read();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.has("x-internal")).isFalse();
			assertThat(response.has("keep-alive")).isFalse();
			assertThat(response.has("proxy-connection")).isFalse();
			assertThat(response.header("x-public")).isEqualTo("yes");
		}
		RawHttp.Received seen = backend.received.get(0);
		for (String dropped : List.of("x-secret", "cookie", "keep-alive", "te", "proxy-authorization",
				"proxy-connection")) {
			assertThat(seen.header(dropped)).as(dropped).isEmpty();
		}
		assertThat(seen.header("x-kept")).containsExactly("yes");
		assertThat(seen.header("host")).containsExactly("proxy");
	}

	@Test
	void aConnectionHeaderCannotUnframeTheRequest() throws Exception {
		RawHttp.Backend echo = this.fixture.echo();
		this.fixture.start(Limits.DEFAULTS).route(echo);
		try (RawHttp.Client client = this.fixture.client()) {
			RawHttp.Response response = client
				.send("POST /services/svc/x HTTP/1.1\r\nHost: proxy\r\nConnection: Content-Length, Host\r\n"
						+ "Content-Length: 5\r\n\r\nhello")
				.read();
			assertThat(response.body()).isEqualTo("POST /x HTTP/1.1 5");
		}
		assertThat(echo.received.get(0).header("host")).containsExactly("proxy");
	}

}
