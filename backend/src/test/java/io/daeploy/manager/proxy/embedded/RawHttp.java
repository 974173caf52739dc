package io.daeploy.manager.proxy.embedded;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * HTTP/1.x over plain sockets, for tests that must send bytes exactly as an attacker
 * would (pipelined floods, half-sent requests, smuggling variants) and backends that
 * answer exactly as a broken server would. Everything stays on 127.0.0.x.
 */
final class RawHttp {

	private RawHttp() {
	}

	/**
	 * A client connection to the proxy on 127.0.0.1.
	 * @param port the proxy's port
	 * @return the connected client
	 */
	static Client connect(int port) throws IOException {
		return new Client(null, port);
	}

	/**
	 * A client connection to the proxy on 127.0.0.1 from another loopback address, so
	 * that it counts as another client.
	 * @param from e.g. {@code 127.0.0.2}
	 * @param port the proxy's port
	 * @return the connected client
	 */
	static Client connectFrom(String from, int port) throws IOException {
		return new Client(InetAddress.getByName(from), port);
	}

	/**
	 * One client connection: writes what it is given, reads answers as they come.
	 */
	static final class Client implements AutoCloseable {

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		Client(InetAddress from, int port) throws IOException {
			this.socket = new Socket();
			if (from != null) {
				this.socket.bind(new InetSocketAddress(from, 0));
			}
			this.socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
			this.socket.setSoTimeout(10_000);
			this.in = new BufferedInputStream(this.socket.getInputStream());
			this.out = this.socket.getOutputStream();
		}

		Client send(String text) throws IOException {
			this.out.write(text.getBytes(StandardCharsets.ISO_8859_1));
			this.out.flush();
			return this;
		}

		/**
		 * Writes unless the proxy closed the connection.
		 * @return whether the bytes were taken
		 */
		boolean trySend(String text) {
			try {
				send(text);
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

		Response read() throws IOException {
			return RawHttp.read(this.in, false);
		}

		Response readHead() throws IOException {
			return RawHttp.read(this.in, true);
		}

		/**
		 * Whether the proxy has closed the connection: the next read finds its end (or a
		 * reset) rather than bytes, waiting at most the socket's timeout.
		 */
		boolean closedByProxy() throws IOException {
			try {
				return this.in.read() == -1;
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			catch (SocketException ex) {
				return true;
			}
		}

		/**
		 * Reads what arrives until the connection ends.
		 * @return the bytes read, or {@code null} when the connection stayed open for the
		 * socket's timeout
		 */
		byte[] readToEnd() throws IOException {
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			byte[] buffer = new byte[65536];
			try {
				int n;
				while ((n = this.in.read(buffer)) >= 0) {
					all.write(buffer, 0, n);
				}
			}
			catch (SocketTimeoutException ex) {
				return null;
			}
			catch (SocketException ex) {
				// reset: the end, too
			}
			return all.toByteArray();
		}

		void timeout(Duration timeout) throws SocketException {
			this.socket.setSoTimeout((int) timeout.toMillis());
		}

		OutputStream output() {
			return this.out;
		}

		@Override
		public void close() {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

	/**
	 * An answer as it came.
	 *
	 * @param status the status code
	 * @param version e.g. {@code HTTP/1.1}
	 * @param headers header names in lower case, values in order
	 * @param body the body, decoded from chunks when chunked
	 */
	record Response(int status, String version, Map<String, List<String>> headers, String body) {

		String header(String name) {
			List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
			return (values != null) ? String.join(", ", values) : null;
		}

		boolean has(String name) {
			return this.headers.containsKey(name.toLowerCase(Locale.ROOT));
		}

	}

	/**
	 * A request as a backend received it.
	 *
	 * @param head the request line and headers, as sent by the proxy
	 * @param body the body (by {@code Content-Length} or chunks)
	 */
	record Received(String head, String body) {

		String line() {
			return this.head.substring(0, this.head.indexOf("\r\n"));
		}

		/**
		 * A header's values, by a case-insensitive name.
		 */
		List<String> header(String name) {
			List<String> values = new ArrayList<>();
			for (String line : this.head.split("\r\n")) {
				int colon = line.indexOf(':');
				if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
					values.add(line.substring(colon + 1).strip());
				}
			}
			return values;
		}

	}

	/**
	 * Reads one answer.
	 * @param headOnly whether the answer has no body (to a HEAD request)
	 */
	static Response read(InputStream in, boolean headOnly) throws IOException {
		String statusLine = line(in);
		if (statusLine == null) {
			throw new EOFException("The connection closed before an answer");
		}
		String[] parts = statusLine.split(" ", 3);
		int status = Integer.parseInt(parts[1]);
		Map<String, List<String>> headers = headers(in);
		String body;
		List<String> encoding = headers.get("transfer-encoding");
		List<String> length = headers.get("content-length");
		if (headOnly || status < 200 || status == 204 || status == 304) {
			body = "";
		}
		else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
			body = chunks(in);
		}
		else if (length != null) {
			body = new String(exactly(in, Integer.parseInt(length.get(0))), StandardCharsets.ISO_8859_1);
		}
		else {
			body = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
		return new Response(status, parts[0], headers, body);
	}

	private static Map<String, List<String>> headers(InputStream in) throws IOException {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		String line;
		while ((line = line(in)) != null && !line.isEmpty()) {
			int colon = line.indexOf(':');
			headers
				.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), (key) -> new ArrayList<>())
				.add(line.substring(colon + 1).strip());
		}
		if (line == null) {
			throw new EOFException("The connection closed in the headers");
		}
		return headers;
	}

	private static String chunks(InputStream in) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String size = line(in);
			if (size == null) {
				throw new EOFException("The connection closed before the last chunk: " + body);
			}
			int length = Integer.parseInt(size.split(";")[0].strip(), 16);
			if (length == 0) {
				String trailer;
				while ((trailer = line(in)) != null && !trailer.isEmpty()) {
					// trailers are not kept
				}
				if (trailer == null) {
					throw new EOFException("The connection closed in the trailers");
				}
				return body.toString(StandardCharsets.ISO_8859_1);
			}
			body.write(exactly(in, length));
			line(in);
		}
	}

	private static byte[] exactly(InputStream in, int length) throws IOException {
		byte[] bytes = in.readNBytes(length);
		if (bytes.length < length) {
			throw new EOFException("The connection closed after " + bytes.length + " of " + length + " bytes");
		}
		return bytes;
	}

	/**
	 * One line without its CRLF, or {@code null} at the end of the stream.
	 */
	static String line(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1) {
			if (c == '\n') {
				int end = line.length();
				return (end > 0 && line.charAt(end - 1) == '\r') ? line.substring(0, end - 1) : line.toString();
			}
			line.append((char) c);
		}
		return line.isEmpty() ? null : line.toString();
	}

	/**
	 * A backend on 127.0.0.1 that reads each request (head and body) and answers it with
	 * the bytes a script gives, exactly as given.
	 */
	static final class Backend implements AutoCloseable {

		private final ServerSocket server;

		private final Function<Received, String> answer;

		private final boolean closeAfterAnswer;

		final List<Received> received = new CopyOnWriteArrayList<>();

		final AtomicInteger connections = new AtomicInteger();

		/** Request heads read, bodies complete or not. */
		final AtomicInteger heads = new AtomicInteger();

		/** Connections whose answer could not be written: the proxy had closed them. */
		final AtomicInteger writesFailed = new AtomicInteger();

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		/**
		 * Starts a backend.
		 * @param answer the bytes to answer a request with, or {@code null} to leave it
		 * unanswered
		 * @param closeAfterAnswer whether to close the connection after answering
		 */
		Backend(Function<Received, String> answer, boolean closeAfterAnswer) throws IOException {
			this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
			this.answer = answer;
			this.closeAfterAnswer = closeAfterAnswer;
			Thread acceptor = new Thread(this::accept, "raw-backend-" + this.server.getLocalPort());
			acceptor.setDaemon(true);
			acceptor.start();
		}

		/** A keep-alive backend answering {@code 200} with the request line. */
		static Backend echo() throws IOException {
			return new Backend((request) -> {
				String body = request.line() + (request.body().isEmpty() ? "" : " " + request.body().length());
				return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n"
						+ body;
			}, false);
		}

		/** A backend that reads requests and never answers. */
		static Backend stalled() throws IOException {
			return new Backend((request) -> null, false);
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getLocalPort();
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					this.connections.incrementAndGet();
					this.sockets.add(socket);
					Thread serve = new Thread(() -> serve(socket), "raw-backend-connection");
					serve.setDaemon(true);
					serve.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void serve(Socket socket) {
			try (socket) {
				InputStream in = new BufferedInputStream(socket.getInputStream());
				OutputStream out = socket.getOutputStream();
				while (true) {
					Received request = receive(in, this.heads);
					if (request == null) {
						return;
					}
					this.received.add(request);
					String reply = this.answer.apply(request);
					if (reply == null) {
						continue;
					}
					try {
						for (String part : reply.split("\\|\\|", -1)) {
							// "||" splits an answer into separate writes
							out.write(part.getBytes(StandardCharsets.ISO_8859_1));
							out.flush();
						}
					}
					catch (IOException ex) {
						this.writesFailed.incrementAndGet();
						return;
					}
					if (this.closeAfterAnswer) {
						return;
					}
				}
			}
			catch (IOException ex) {
				// the proxy closed the connection
			}
		}

		private static Received receive(InputStream in, AtomicInteger heads) throws IOException {
			StringBuilder head = new StringBuilder();
			String line;
			while ((line = line(in)) != null && !line.isEmpty()) {
				head.append(line).append("\r\n");
			}
			if (line == null) {
				return null;
			}
			heads.incrementAndGet();
			Received request = new Received(head.toString(), "");
			List<String> length = request.header("content-length");
			List<String> encoding = request.header("transfer-encoding");
			String body = "";
			if (!encoding.isEmpty()) {
				body = chunks(in);
			}
			else if (!length.isEmpty()) {
				body = new String(exactly(in, Integer.parseInt(length.get(0))), StandardCharsets.ISO_8859_1);
			}
			return new Received(head.toString(), body);
		}

		@Override
		public void close() {
			try {
				this.server.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
			for (Socket socket : this.sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// closing anyway
				}
			}
		}

	}

}
