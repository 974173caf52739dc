package io.daeploy.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

/**
 * How answers that are not data become failures in words: a refused token with or without
 * a body, an answer that is not JSON, an upload refused with the manager's code. The
 * answers come from a real HTTP server on 127.0.0.1 that answers as the manager does in
 * each case.
 */
class ManagerClientTests {

	private HttpServer server;

	private String host;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/graphql", (exchange) -> {
			String token = exchange.getRequestHeaders().getFirst("Authorization");
			exchange.getRequestBody().readAllBytes();
			if ("Bearer bare".equals(token)) {
				answer(exchange, 401, "");
			}
			else if ("Bearer expired".equals(token)) {
				answer(exchange, 401, """
						{"errors": [{"message": "The token expired", "extensions": {"code": "UNAUTHENTICATED"}}]}""");
			}
			else {
				answer(exchange, 502, "<html>Bad Gateway</html>");
			}
		});
		this.server.createContext("/uploads", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			answer(exchange, 413, """
					{"code": "UPLOAD_TOO_LARGE", "message": "The upload is larger than 1 MB"}""");
		});
		this.server.start();
		this.host = "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void aRefusedTokenSaysToLogInAgainWithOrWithoutABody() {
		assertThatThrownBy(() -> new ManagerClient(this.host, "bare").graphql("{ me { name } }", Map.of()))
			.asInstanceOf(type(CliException.class))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo("UNAUTHENTICATED");
				assertThat(ex.getMessage()).isEqualTo("You have been logged out from " + this.host
						+ " (the manager refused the token). Please log in to the host again.");
			});
		assertThatThrownBy(() -> new ManagerClient(this.host, "expired").graphql("{ me { name } }", Map.of()))
			.hasMessageContaining("(The token expired). Please log in to the host again.");
	}

	@Test
	void anAnswerThatIsNotJsonIsShownWithItsStatus() {
		assertThatThrownBy(() -> new ManagerClient(this.host, "x").graphql("{ me { name } }", Map.of()))
			.hasMessage("Command failed: 502 - <html>Bad Gateway</html>");
	}

	@Test
	void aRefusedUploadCarriesTheManagersCode() {
		assertThatThrownBy(() -> new ManagerClient(this.host, "x").upload("big.tar.gz",
				new ByteArrayInputStream("data".getBytes(StandardCharsets.UTF_8))))
			.asInstanceOf(type(CliException.class))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo("UPLOAD_TOO_LARGE");
				assertThat(ex.getMessage()).isEqualTo("The upload is larger than 1 MB");
			});
	}

	private static void answer(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
