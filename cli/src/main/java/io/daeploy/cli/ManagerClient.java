package io.daeploy.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One manager, spoken to the way every API client does: GraphQL over HTTP for queries and
 * mutations, GraphQL over WebSocket ({@code graphql-transport-ws}) for subscriptions,
 * {@code POST /uploads} for files, each with the bearer token. Failures become
 * {@link CliException}s carrying the manager's message and code.
 */
final class ManagerClient {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

	private final String host;

	private final String token;

	private final HttpClient http;

	/**
	 * A client of one manager.
	 * @param host the manager's URL, as {@link #host(String)} gives it
	 * @param token the bearer token, or null or empty to send none
	 */
	ManagerClient(String host, String token) {
		this.host = host;
		this.token = (token != null && !token.isEmpty()) ? token : null;
		this.http = HttpClient.newBuilder()
			.connectTimeout(CONNECT_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NORMAL)
			// no h2c upgrade attempts on plain http: proxies in between differ on it
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	/**
	 * A host as the user gave it, checked: it must start with {@code http://} or
	 * {@code https://}; a trailing {@code /} is dropped.
	 * @param given the host
	 * @return the host's URL
	 */
	static String host(String given) {
		String host = given.trim();
		String lower = host.toLowerCase(Locale.ROOT);
		if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
			throw new CliException("The host must start with http:// or https://, e.g. http://localhost:5080");
		}
		while (host.endsWith("/")) {
			host = host.substring(0, host.length() - 1);
		}
		try {
			URI uri = URI.create(host);
			if (uri.getHost() == null) {
				throw new CliException("Not a host URL: " + given);
			}
		}
		catch (IllegalArgumentException ex) {
			throw new CliException("Not a host URL: " + given);
		}
		return host;
	}

	String host() {
		return this.host;
	}

	/**
	 * Runs a query or mutation.
	 * @param document the GraphQL document
	 * @param variables its variables
	 * @return the answer's {@code data}
	 */
	JsonNode graphql(String document, Map<String, ?> variables) {
		ObjectNode body = JSON.createObjectNode();
		body.put("query", document);
		body.set("variables", JSON.valueToTree(variables));
		HttpRequest.Builder request = request("/graphql").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		HttpResponse<String> response = send(request.build());
		JsonNode answer = parse(response);
		JsonNode errors = answer.path("errors");
		if (errors.isArray() && !errors.isEmpty()) {
			throw failure(errors);
		}
		if (response.statusCode() / 100 != 2) {
			throw httpFailure(response);
		}
		return answer.path("data");
	}

	/**
	 * Uploads a file to {@code POST /uploads}, as its one multipart part {@code file}.
	 * @param filename the file's name
	 * @param content the file's bytes, read once
	 * @return the upload's id
	 */
	String upload(String filename, InputStream content) {
		String boundary = "daeploy-" + UUID.randomUUID();
		String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
				+ filename.replace("\"", "") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
		String tail = "\r\n--" + boundary + "--\r\n";
		InputStream body = new SequenceInputStream(
				Collections.enumeration(List.of(new ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)),
						content, new ByteArrayInputStream(tail.getBytes(StandardCharsets.UTF_8)))));
		HttpRequest request = request("/uploads").header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
			.build();
		HttpResponse<String> response = send(request);
		JsonNode answer = parse(response);
		if (response.statusCode() / 100 == 2 && answer.path("id").isString()) {
			return answer.path("id").asString();
		}
		if (answer.path("errors").isArray() && !answer.path("errors").isEmpty()) {
			throw failure(answer.path("errors"));
		}
		if (answer.path("message").isString()) {
			throw new CliException(answer.path("message").asString(), answer.path("code").asString(null));
		}
		throw httpFailure(response);
	}

	/**
	 * Runs a subscription until it completes or {@code each} says to stop.
	 * @param document the GraphQL subscription
	 * @param variables its variables
	 * @param each called with each event's {@code data}; false stops the subscription
	 */
	void subscribe(String document, Map<String, ?> variables, Predicate<JsonNode> each) {
		BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
		WebSocket socket = connect(frames);
		try {
			ObjectNode init = JSON.createObjectNode().put("type", "connection_init");
			ObjectNode payload = init.putObject("payload");
			if (this.token != null) {
				payload.put("Authorization", "Bearer " + this.token);
			}
			send(socket, init);
			Frame ack = next(frames, socket, ACK_TIMEOUT);
			while ("ping".equals(ack.type())) {
				send(socket, JSON.createObjectNode().put("type", "pong"));
				ack = next(frames, socket, ACK_TIMEOUT);
			}
			if (!"connection_ack".equals(ack.type())) {
				throw unexpected(ack);
			}
			ObjectNode subscribe = JSON.createObjectNode().put("id", "1").put("type", "subscribe");
			subscribe.putObject("payload").put("query", document).set("variables", JSON.valueToTree(variables));
			send(socket, subscribe);
			while (true) {
				Frame frame = next(frames, socket, null);
				switch (frame.type()) {
					case "ping" -> send(socket, JSON.createObjectNode().put("type", "pong"));
					case "pong" -> {
					}
					case "next" -> {
						JsonNode errors = frame.message().path("payload").path("errors");
						if (errors.isArray() && !errors.isEmpty()) {
							throw failure(errors);
						}
						if (!each.test(frame.message().path("payload").path("data"))) {
							send(socket, JSON.createObjectNode().put("id", "1").put("type", "complete"));
							return;
						}
					}
					case "error" -> throw failure(frame.message().path("payload"));
					case "complete" -> {
						return;
					}
					default -> throw unexpected(frame);
				}
			}
		}
		finally {
			socket.abort();
		}
	}

	private WebSocket connect(BlockingQueue<Frame> frames) {
		URI uri = URI.create(this.host.replaceFirst("(?i)^http", "ws") + "/graphql");
		try {
			return this.http.newWebSocketBuilder()
				.subprotocols("graphql-transport-ws")
				.connectTimeout(CONNECT_TIMEOUT)
				.buildAsync(uri, new Listener(frames))
				.get(CONNECT_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw unreachable(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new CliException("Cannot reach " + this.host + ": no WebSocket answer in time");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted");
		}
	}

	private static void send(WebSocket socket, JsonNode message) {
		try {
			socket.sendText(JSON.writeValueAsString(message), true).join();
		}
		catch (CompletionException ex) {
			throw new CliException("The connection to the manager broke: " + ex.getCause().getMessage());
		}
	}

	private Frame next(BlockingQueue<Frame> frames, WebSocket socket, Duration timeout) {
		Frame frame;
		try {
			frame = (timeout != null) ? frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS) : frames.take();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted");
		}
		if (frame == null) {
			throw new CliException("The manager did not acknowledge the subscription in time");
		}
		if (frame.error() != null) {
			throw new CliException("The connection to the manager broke: " + frame.error().getMessage());
		}
		if (frame.closeCode() != null) {
			throw closed(frame.closeCode(), frame.closeReason());
		}
		socket.request(1);
		return frame;
	}

	private CliException closed(int code, String reason) {
		String why = (reason != null && !reason.isBlank()) ? reason : "no reason given";
		if (code == 4401) {
			return loggedOut(why);
		}
		if (code == 4403) {
			return new CliException(why, "FORBIDDEN");
		}
		return new CliException("The manager closed the connection (" + code + ": " + why + ")");
	}

	private static CliException unexpected(Frame frame) {
		return new CliException("Unexpected message from the manager: " + frame.message());
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.host + path))
			.timeout(Duration.ofMinutes(10))
			.header("Accept", "application/json");
		if (this.token != null) {
			request.header("Authorization", "Bearer " + this.token);
		}
		return request;
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw unreachable(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted");
		}
	}

	private CliException unreachable(Throwable cause) {
		if (cause instanceof HttpConnectTimeoutException) {
			return new CliException("Cannot reach " + this.host + ": the connection timed out");
		}
		if (cause instanceof HttpTimeoutException) {
			return new CliException("The manager at " + this.host + " did not answer in time");
		}
		if (cause instanceof ConnectException) {
			return new CliException("Cannot reach " + this.host + ": connection refused");
		}
		if (cause instanceof CliException cli) {
			return cli;
		}
		String message = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		return new CliException("Cannot reach " + this.host + ": " + message);
	}

	private JsonNode parse(HttpResponse<String> response) {
		JsonNode answer;
		try {
			answer = JSON.readTree(response.body());
		}
		catch (JacksonException ex) {
			answer = null;
		}
		if (response.statusCode() == 401) {
			String message = "the manager refused the token";
			if (answer != null) {
				JsonNode first = answer.path("errors").path(0);
				message = first.path("message").asString(answer.path("message").asString(message));
			}
			throw loggedOut(message);
		}
		if (answer == null) {
			throw httpFailure(response);
		}
		return answer;
	}

	private CliException loggedOut(String why) {
		return new CliException(
				"You have been logged out from " + this.host + " (" + why + "). Please log in to the host again.",
				"UNAUTHENTICATED");
	}

	private static CliException httpFailure(HttpResponse<String> response) {
		String body = response.body().strip();
		if (body.length() > 300) {
			body = body.substring(0, 300) + "...";
		}
		return new CliException("Command failed: " + response.statusCode() + (body.isEmpty() ? "" : " - " + body));
	}

	/**
	 * The failure a list of GraphQL errors means: the first one's message, with its field
	 * when it names one, and code.
	 * @param errors the {@code errors} of an answer
	 * @return the failure
	 */
	static CliException failure(JsonNode errors) {
		JsonNode first = errors.isArray() ? errors.path(0) : errors;
		String message = first.path("message").asString("The manager refused the request");
		JsonNode extensions = first.path("extensions");
		if (extensions.path("field").isString()) {
			message += " (" + extensions.path("field").asString() + ")";
		}
		if (extensions.path("retryAfterSeconds").isNumber()) {
			message += "; try again in " + extensions.path("retryAfterSeconds").asInt() + " s";
		}
		String code = extensions.path("code").isString() ? extensions.path("code").asString() : null;
		return new CliException(message, code);
	}

	/** One thing the WebSocket brought: a message, a close or a failure. */
	private record Frame(JsonNode message, Integer closeCode, String closeReason, Throwable error) {

		String type() {
			return this.message.path("type").asString("");
		}

	}

	/** Gathers the WebSocket's messages (one at a time, asked for by {@link #next}). */
	private static final class Listener implements WebSocket.Listener {

		private final BlockingQueue<Frame> frames;

		private final StringBuilder text = new StringBuilder();

		Listener(BlockingQueue<Frame> frames) {
			this.frames = frames;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (!last) {
				webSocket.request(1);
				return null;
			}
			String message = this.text.toString();
			this.text.setLength(0);
			try {
				this.frames.add(new Frame(JSON.readTree(message), null, null, null));
			}
			catch (JacksonException ex) {
				this.frames.add(new Frame(null, null, null, ex));
			}
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.frames.add(new Frame(null, statusCode, reason, null));
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.frames.add(new Frame(null, null, null, error));
		}

	}

}
