package io.daeploy.manager;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

/**
 * A graphql-transport-ws client over a real WebSocket, for tests: connects, sends
 * {@code connection_init} with a bearer token, and lets a test subscribe, read the
 * messages as they come and complete subscriptions.
 */
public final class GraphQlWebSocket implements AutoCloseable {

	/**
	 * The code {@link #closeStatus} reports when the server refused the handshake itself
	 * (any non-101 answer), so no WebSocket was ever open.
	 */
	public static final int HANDSHAKE_REFUSED = 4999;

	private static final Duration CLOSED_CHECK = Duration.ofMillis(100);

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();

	private final Sinks.One<CloseStatus> closed = Sinks.one();

	/** Set once the socket is closed (or never opened): no message comes after that. */
	private volatile boolean ended;

	private final Disposable connection;

	private GraphQlWebSocket(URI uri) {
		this(uri, new HttpHeaders());
	}

	private GraphQlWebSocket(URI uri, HttpHeaders handshake) {
		WebSocketHandler handler = new WebSocketHandler() {

			@Override
			public List<String> getSubProtocols() {
				return List.of("graphql-transport-ws");
			}

			@Override
			public Mono<Void> handle(WebSocketSession session) {
				session.closeStatus().subscribe((status) -> {
					GraphQlWebSocket.this.ended = true;
					GraphQlWebSocket.this.closed.tryEmitValue(status);
				});
				Mono<Void> in = session.receive()
					.map((message) -> message.getPayloadAsText())
					.doOnNext(GraphQlWebSocket.this.received::add)
					.then();
				Mono<Void> out = session.send(GraphQlWebSocket.this.outgoing.asFlux().map(session::textMessage));
				return Mono.firstWithSignal(in, out);
			}

		};
		this.connection = new ReactorNettyWebSocketClient().execute(uri, handshake, handler).subscribe(null, (ex) -> {
			this.ended = true;
			this.closed.tryEmitValue(new CloseStatus(HANDSHAKE_REFUSED, String.valueOf(ex)));
		}, () -> this.ended = true);
	}

	/**
	 * Connects and waits for {@code connection_ack}.
	 * @param uri e.g. {@code ws://127.0.0.1:8080/graphql}
	 * @param token a bearer token, or {@code null}
	 * @return the connected client
	 */
	public static GraphQlWebSocket connect(URI uri, String token) {
		GraphQlWebSocket socket = new GraphQlWebSocket(uri);
		socket.send((token != null)
				? "{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + token + "\"}}"
				: "{\"type\":\"connection_init\"}");
		socket.await((m) -> m.contains("\"connection_ack\""), Duration.ofSeconds(10));
		return socket;
	}

	/**
	 * Opens a socket with handshake headers of the test's choosing (a browser's
	 * {@code Cookie} and {@code Origin}, say) and sends {@code connection_init} without a
	 * token; the caller reads what comes back, an ack or a close.
	 * @param uri e.g. {@code ws://127.0.0.1:8080/graphql}
	 * @param handshake headers of the upgrade request
	 * @return the client
	 */
	public static GraphQlWebSocket open(URI uri, HttpHeaders handshake) {
		GraphQlWebSocket socket = new GraphQlWebSocket(uri, handshake);
		socket.send("{\"type\":\"connection_init\"}");
		return socket;
	}

	/**
	 * Sends a raw message.
	 * @param json the message
	 */
	public void send(String json) {
		this.outgoing.emitNext(json, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
	}

	/**
	 * Starts a subscription.
	 * @param id its id
	 * @param query the document
	 */
	public void subscribe(String id, String query) {
		send("{\"id\":\"" + id + "\",\"type\":\"subscribe\",\"payload\":{\"query\":" + quote(query) + "}}");
	}

	/**
	 * Completes (cancels) a subscription.
	 * @param id its id
	 */
	public void complete(String id) {
		send("{\"id\":\"" + id + "\",\"type\":\"complete\"}");
	}

	/**
	 * Takes received messages until one matches.
	 * @param match what to wait for
	 * @param timeout how long at most
	 * @return the matching message
	 */
	public String await(Predicate<String> match, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("No matching message within " + timeout);
				}
				// a closed socket sends nothing more: say so at once rather than at the
				// deadline (a refused connection_init closes with 4401)
				String message = this.received.poll(Math.min(left, CLOSED_CHECK.toNanos()), TimeUnit.NANOSECONDS);
				if (message == null && this.ended) {
					message = this.received.poll(CLOSED_CHECK.toMillis(), TimeUnit.MILLISECONDS);
					if (message == null) {
						throw new AssertionError("The socket closed (" + closeStatus(Duration.ofSeconds(1))
								+ ") before a matching message");
					}
				}
				if (message != null && match.test(message)) {
					return message;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * The next message, if one comes in time.
	 * @param timeout how long at most
	 * @return the message, or {@code null}
	 */
	public String poll(Duration timeout) {
		try {
			return this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * How the server closed the socket, once it did.
	 * @param timeout how long to wait
	 * @return the status, or {@code null}
	 */
	public CloseStatus closeStatus(Duration timeout) {
		return this.closed.asMono().timeout(timeout, Mono.empty()).block();
	}

	@Override
	public void close() {
		this.outgoing.tryEmitComplete();
		this.connection.dispose();
	}

	private static String quote(String text) {
		return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
	}

}
