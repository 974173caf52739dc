package io.daeploy.manager.hostile;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain {@link Socket}, byte for byte as the test writes it: no client
 * library checks or repairs the request, so header names, values, bodies and framing can
 * be anything. Reads one answer (status line, headers, a body framed by
 * {@code Content-Length}, chunks or the connection's end) with a read timeout, and tells
 * an answer, a closed connection and a timeout apart. Only ever talks to 127.0.0.1.
 */
final class RawHttp {

	/** The most of an answer's body that is kept; the rest is read and dropped. */
	private static final int MAX_KEPT = 8 * 1024 * 1024;

	private RawHttp() {
	}

	/**
	 * What came back for one request.
	 *
	 * @param status the status, or {@link #CLOSED} when the connection ended without an
	 * answer, or {@link #TIMED_OUT} when nothing complete came in time
	 * @param headers the answer's headers, names in lower case
	 * @param body the first {@value #MAX_KEPT} bytes of the body
	 */
	record Answer(int status, Map<String, List<String>> headers, byte[] body) {

		static final int CLOSED = -1;

		static final int TIMED_OUT = -2;

		String header(String name) {
			List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
			return (values != null && !values.isEmpty()) ? values.get(0) : null;
		}

		String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		boolean closesConnection() {
			String connection = header("connection");
			return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
		}

		static Answer closed() {
			return new Answer(CLOSED, Map.of(), new byte[0]);
		}

		static Answer timedOut() {
			return new Answer(TIMED_OUT, Map.of(), new byte[0]);
		}

	}

	/**
	 * One connection to 127.0.0.1 that can carry several requests in turn.
	 */
	static final class Connection implements AutoCloseable {

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private boolean open = true;

		Connection(int port, Duration timeout) throws IOException {
			this.socket = new Socket();
			this.socket.setTcpNoDelay(true);
			this.socket.setSoLinger(true, 0);
			this.socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
			this.socket.setSoTimeout((int) timeout.toMillis());
			this.in = new java.io.BufferedInputStream(this.socket.getInputStream(), 16 * 1024);
			this.out = this.socket.getOutputStream();
		}

		boolean isOpen() {
			return this.open && !this.socket.isClosed();
		}

		/**
		 * Writes bytes as they are. A peer that already closed shows as an
		 * {@link IOException}.
		 * @param bytes what to write
		 * @throws IOException when the connection is gone
		 */
		void write(byte[] bytes) throws IOException {
			this.out.write(bytes);
			this.out.flush();
		}

		/** Ends the request stream, so the peer sees the end of the input. */
		void shutdownOutput() {
			try {
				this.socket.shutdownOutput();
			}
			catch (IOException ex) {
				this.open = false;
			}
		}

		/**
		 * Reads one answer.
		 * @param head whether the request was a HEAD (no body follows)
		 * @return the answer, or {@link Answer#closed()} or {@link Answer#timedOut()}
		 */
		Answer read(boolean head) {
			try {
				String statusLine = line();
				if (statusLine == null) {
					this.open = false;
					return Answer.closed();
				}
				String[] parts = statusLine.split(" ", 3);
				if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
					throw new IllegalStateException("Not an HTTP status line: " + statusLine);
				}
				int status = Integer.parseInt(parts[1]);
				Map<String, List<String>> headers = new LinkedHashMap<>();
				for (String header = line(); header != null && !header.isEmpty(); header = line()) {
					int colon = header.indexOf(':');
					if (colon > 0) {
						headers
							.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
									(name) -> new ArrayList<>())
							.add(header.substring(colon + 1).trim());
					}
				}
				Answer answer = new Answer(status, headers, new byte[0]);
				if (status == 100) {
					return read(head);
				}
				byte[] body;
				String length = answer.header("content-length");
				String encoding = answer.header("transfer-encoding");
				if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
					body = new byte[0];
				}
				else if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
					body = chunked();
				}
				else if (length != null) {
					body = exactly(Long.parseLong(length));
				}
				else {
					body = untilEnd();
					this.open = false;
				}
				if (answer.closesConnection()) {
					this.open = false;
				}
				return new Answer(status, headers, body);
			}
			catch (SocketTimeoutException ex) {
				this.open = false;
				return Answer.timedOut();
			}
			catch (EOFException ex) {
				this.open = false;
				return Answer.closed();
			}
			catch (IOException ex) {
				// reset by the peer: it closed without answering
				this.open = false;
				return Answer.closed();
			}
		}

		private String line() throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			int b = this.in.read();
			if (b < 0) {
				return null;
			}
			while (b >= 0 && b != '\n') {
				if (line.size() > 256 * 1024) {
					throw new IllegalStateException("An answer's header line longer than 256 KiB");
				}
				line.write(b);
				b = this.in.read();
			}
			if (b < 0) {
				throw new EOFException();
			}
			String text = line.toString(StandardCharsets.ISO_8859_1);
			return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
		}

		private byte[] exactly(long length) throws IOException {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			long left = length;
			while (left > 0) {
				int n = this.in.read(buffer, 0, (int) Math.min(buffer.length, left));
				if (n < 0) {
					throw new EOFException();
				}
				if (body.size() < MAX_KEPT) {
					body.write(buffer, 0, Math.min(n, MAX_KEPT - body.size()));
				}
				left -= n;
			}
			return body.toByteArray();
		}

		private byte[] chunked() throws IOException {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			while (true) {
				String size = line();
				if (size == null) {
					throw new EOFException();
				}
				int semicolon = size.indexOf(';');
				long length = Long.parseLong(((semicolon >= 0) ? size.substring(0, semicolon) : size).trim(), 16);
				if (length == 0) {
					for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
						// trailers are dropped
					}
					return body.toByteArray();
				}
				byte[] chunk = exactly(length);
				if (body.size() < MAX_KEPT) {
					body.write(chunk, 0, Math.min(chunk.length, MAX_KEPT - body.size()));
				}
				line();
			}
		}

		private byte[] untilEnd() throws IOException {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			for (int n = this.in.read(buffer); n >= 0; n = this.in.read(buffer)) {
				if (body.size() < MAX_KEPT) {
					body.write(buffer, 0, Math.min(n, MAX_KEPT - body.size()));
				}
			}
			return body.toByteArray();
		}

		@Override
		public void close() {
			this.open = false;
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

	/**
	 * A request in its parts, written as HTTP/1.1 with a {@code Content-Length}.
	 */
	static final class Request {

		final String method;

		final String target;

		final List<String[]> headers = new ArrayList<>();

		byte[] body = new byte[0];

		Request(String method, String target) {
			this.method = method;
			this.target = target;
		}

		Request header(String name, String value) {
			this.headers.add(new String[] { name, value });
			return this;
		}

		Request body(String contentType, byte[] body) {
			if (contentType != null) {
				header("Content-Type", contentType);
			}
			this.body = body;
			return this;
		}

		Request body(String contentType, String body) {
			return body(contentType, body.getBytes(StandardCharsets.UTF_8));
		}

		byte[] bytes() {
			ByteArrayOutputStream out = new ByteArrayOutputStream(256 + this.body.length);
			StringBuilder head = new StringBuilder();
			head.append(this.method).append(' ').append(this.target).append(" HTTP/1.1\r\n");
			boolean host = false;
			for (String[] header : this.headers) {
				host |= header[0].equalsIgnoreCase("host");
				head.append(header[0]).append(": ").append(header[1]).append("\r\n");
			}
			if (!host) {
				head.append("Host: 127.0.0.1\r\n");
			}
			head.append("Content-Length: ").append(this.body.length).append("\r\n\r\n");
			// header text is sent as UTF-8: a hostile header may hold any character
			out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
			out.writeBytes(this.body);
			return out.toByteArray();
		}

		String describe() {
			String target = (this.target.length() > 200) ? this.target.substring(0, 200) + "..." : this.target;
			String body = new String(this.body, 0, Math.min(this.body.length, 300), StandardCharsets.UTF_8);
			return this.method + " " + target + " headers="
					+ this.headers.stream()
						.map((h) -> h[0] + ": " + ((h[1].length() > 100) ? h[1].substring(0, 100) + "..." : h[1]))
						.toList()
					+ " body(" + this.body.length + ")=" + body;
		}

	}

	/**
	 * Sends each request on a connection of its own, so that no answer can be mistaken
	 * for another's.
	 */
	static final class Client implements AutoCloseable {

		private final Duration timeout;

		Client(Duration timeout) {
			this.timeout = timeout;
		}

		Answer send(int port, Request request) {
			try (Connection connection = new Connection(port, this.timeout)) {
				try {
					connection.write(request.bytes());
				}
				catch (IOException ex) {
					// the server may have answered and closed before the whole request
					// was
					// written (a body that is too large, say): read what it said
				}
				return connection.read("HEAD".equals(request.method));
			}
			catch (IOException ex) {
				return Answer.closed();
			}
		}

		@Override
		public void close() {
		}

	}

}
