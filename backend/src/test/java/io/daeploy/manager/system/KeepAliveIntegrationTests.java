package io.daeploy.manager.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.daeploy.manager.ManagerIntegrationTests;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One keep-alive connection to the manager keeps answering whatever mix of requests comes
 * over it, as Traefik's, the embedded proxy's and the CLI's pooled connections do: an
 * audited REST call (whose audit row is written after its answer went out) followed by a
 * refused one (answered at once, by the security chain) left Reactor Netty 1.3.6 with a
 * connection that read no further request, so the next call on it hung until the client
 * gave up. CI met it twice in the notification and import tests.
 */
class KeepAliveIntegrationTests extends ManagerIntegrationTests {

	private static final int ROUNDS = 300;

	@LocalServerPort
	int port;

	@Test
	void aKeepAliveConnectionAnswersEveryRequestOfAMixedSequence() throws Exception {
		String admin = login("admin", ADMIN_PASSWORD);
		String raise = "{\"service_name\": \"keepalive\", \"msg\": \"m\", \"severity\": 0, \"dashboard\": true}";
		List<String> sequence = List.of(post("/notifications/", admin, raise), post("/notifications/", null, raise),
				post("/notifications/", "forged", raise), get("/auth/verify", "forged"), get("/auth/verify", admin),
				post("/graphql", "forged", "{\"query\":\"{ me { name } }\"}"),
				post("/graphql", admin, "{\"query\":\"{ me { name } }\"}"));
		List<Integer> expected = List.of(200, 401, 401, 401, 200, 401, 200);
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			List<Integer> statuses = new ArrayList<>();
			for (int round = 0; round < ROUNDS; round++) {
				for (int i = 0; i < sequence.size(); i++) {
					out.write(sequence.get(i).getBytes(StandardCharsets.US_ASCII));
					out.flush();
					int status;
					try {
						status = readResponse(in);
					}
					catch (SocketTimeoutException ex) {
						throw new AssertionError("no answer within 10 s to request " + i + " of round " + round
								+ " on one keep-alive connection", ex);
					}
					statuses.add(status);
					assertThat(status).as("request %d of round %d", i, round).isEqualTo(expected.get(i));
				}
			}
			assertThat(statuses).hasSize(ROUNDS * sequence.size());
		}
	}

	private static String post(String path, String token, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authorization(token)
				+ "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body;
	}

	private static String get(String path, String token) {
		return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authorization(token) + "\r\n";
	}

	private static String authorization(String token) {
		return (token != null) ? "Authorization: Bearer " + token + "\r\n" : "";
	}

	/**
	 * Reads one response: status line, headers, and a body of {@code Content-Length}
	 * bytes or in chunks.
	 * @return the status
	 */
	private static int readResponse(InputStream in) throws IOException {
		String statusLine = line(in);
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		long length = 0;
		boolean chunked = false;
		for (String header = line(in); !header.isEmpty(); header = line(in)) {
			String lower = header.toLowerCase(java.util.Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				length = Long.parseLong(lower.substring("content-length:".length()).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
		}
		if (chunked) {
			for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(),
					16)) {
				in.readNBytes((int) size);
				line(in);
			}
			line(in);
		}
		else {
			in.readNBytes((int) length);
		}
		return status;
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("the connection closed");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

}
