package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.daeploy.manager.proxy.ForwardAuth;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.proxy.RouteTable.ServiceRoutes;
import io.daeploy.manager.proxy.TrafficStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.ReadTimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Traefik's stand-in when no Traefik runs: a bare reactor-netty server on the proxy port,
 * outside the Spring WebFlux stack (which alone costs several times a forwarded request).
 * It serves the same URL space: {@code /services/<name>/...} goes to the main version and
 * is mirrored to each shadow, {@code /services/<name>_<version>/...} goes to that
 * version, prefixes stripped and {@code X-Forwarded-Prefix} set; every other path goes to
 * the manager's own server. Service routes pass the same forward-auth check as Traefik's,
 * called in process. Mirrored copies use a pool of their own with a short timeout, so a
 * slow shadow never delays the main route; their answers are measured, then dropped.
 */
public final class EmbeddedProxy implements ProxyConnector {

	private static final Log logger = LogFactory.getLog(EmbeddedProxy.class);

	private static final String SERVICES = "/services/";

	private static final int MAX_FRAME = 16 * 1024 * 1024;

	/** Headers that describe one connection, not the message (RFC 9110 §7.6.1). */
	private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
			HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
			HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, "proxy-connection");

	private static final String X_FORWARDED_PREFIX = "X-Forwarded-Prefix";

	private static final String X_DAEPLOY_USER = "X-Daeploy-User";

	private final Settings settings;

	private final ForwardAuth auth;

	private final TrafficStats stats;

	private final ConnectionProvider mainPool;

	private final ConnectionProvider shadowPool;

	private final LoopResources loops;

	private final HttpClient client;

	private final HttpClient shadowClient;

	private volatile Map<String, Route> routes = Map.of();

	private volatile HttpClient manager;

	private volatile DisposableServer server;

	/**
	 * Creates the proxy; it listens from {@link #start}.
	 * @param settings listen address and limits
	 * @param auth the forward-auth check, or {@code null} when auth is off
	 * @param stats where per-version traffic is recorded
	 */
	public EmbeddedProxy(Settings settings, ForwardAuth auth, TrafficStats stats) {
		this.settings = settings;
		this.auth = auth;
		this.stats = stats;
		this.loops = LoopResources.create("daeploy-proxy", Math.max(2, Runtime.getRuntime().availableProcessors()),
				true);
		this.mainPool = ConnectionProvider.builder("daeploy-proxy")
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(settings.maxConnections() * 8)
			.pendingAcquireTimeout(Duration.ofSeconds(30))
			.maxIdleTime(Duration.ofSeconds(60))
			.build();
		this.shadowPool = ConnectionProvider.builder("daeploy-proxy-shadow")
			.maxConnections(Math.max(8, settings.maxConnections() / 4))
			.pendingAcquireMaxCount(settings.maxConnections())
			.pendingAcquireTimeout(Duration.ofMillis(100))
			.maxIdleTime(Duration.ofSeconds(60))
			.build();
		this.client = HttpClient.create(this.mainPool).runOn(this.loops).followRedirect(false).compress(false);
		this.shadowClient = HttpClient.create(this.shadowPool)
			.runOn(this.loops)
			.followRedirect(false)
			.compress(false)
			.responseTimeout(settings.shadowTimeout());
	}

	@Override
	public synchronized void start(InetSocketAddress manager) {
		if (this.server != null) {
			return;
		}
		this.manager = this.client.remoteAddress(() -> manager);
		this.server = HttpServer.create()
			.host(this.settings.address())
			.port(this.settings.httpPort())
			.runOn(this.loops)
			.handle(this::handle)
			.bindNow();
		logger.info("Embedded proxy listening on " + this.settings.address() + ":" + this.server.port()
				+ " (manager at " + manager.getHostString() + ":" + manager.getPort() + ")");
	}

	@Override
	public synchronized void stop() {
		if (this.server != null) {
			this.server.disposeNow(Duration.ofSeconds(5));
			this.server = null;
		}
		this.mainPool.disposeLater().block(Duration.ofSeconds(5));
		this.shadowPool.disposeLater().block(Duration.ofSeconds(5));
		this.loops.disposeLater().block(Duration.ofSeconds(5));
	}

	@Override
	public void route(RouteTable table) {
		Map<String, Route> next = new HashMap<>();
		for (ServiceRoutes service : table.services()) {
			for (Backend version : service.versions()) {
				next.put(version.key(), new Route(version.prefix(), target(version), List.of()));
			}
			if (service.main() != null) {
				List<Target> shadows = service.shadows().stream().map(this::shadowTarget).toList();
				next.put(service.name(), new Route(service.prefix(), target(service.main()), shadows));
			}
		}
		this.routes = Map.copyOf(next);
	}

	@Override
	public int httpPort() {
		DisposableServer current = this.server;
		return (current != null) ? current.port() : this.settings.httpPort();
	}

	@Override
	public String kind() {
		return "embedded";
	}

	private Target target(Backend backend) {
		return new Target(backend.key(), this.client.remoteAddress(() -> address(backend.url())));
	}

	private Target shadowTarget(Backend backend) {
		return new Target(backend.key(), this.shadowClient.remoteAddress(() -> address(backend.url())));
	}

	private static InetSocketAddress address(String url) {
		URI uri = URI.create(url);
		return InetSocketAddress.createUnresolved(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 80);
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String uri = request.uri();
		if (!uri.startsWith("/")) {
			return plain(response, HttpResponseStatus.BAD_REQUEST, "Bad request target\n");
		}
		if (!uri.startsWith(SERVICES)) {
			return forward(request, response, this.manager, null, uri, null);
		}
		int end = SERVICES.length();
		while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
			end++;
		}
		Route route = this.routes.get(uri.substring(SERVICES.length(), end));
		if (route == null) {
			return plain(response, HttpResponseStatus.NOT_FOUND,
					"No service is routed at " + uri.substring(0, end) + "\n");
		}
		String rest = uri.substring(end);
		String path = rest.isEmpty() ? "/" : (rest.charAt(0) == '?') ? "/" + rest : rest;
		if (this.auth == null) {
			return forward(request, response, route.main().client(), route, path, null);
		}
		return this.auth.check(cookie(request), bearer(request.requestHeaders()), uri).flatMap((decision) -> {
			if (decision.allowed()) {
				return forward(request, response, route.main().client(), route, path, decision.user());
			}
			if (decision.status() == HttpResponseStatus.SEE_OTHER.code()) {
				response.status(HttpResponseStatus.SEE_OTHER).header(HttpHeaderNames.LOCATION, decision.location());
				return response.send();
			}
			response.status(HttpResponseStatus.UNAUTHORIZED)
				.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
				.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
			return response.sendString(Mono.just("{\"detail\":\"Token not valid!\"}")).then();
		});
	}

	/**
	 * Forwards one request.
	 * @param route the service route, or {@code null} for the manager
	 * @param path the path and query to request from the target
	 * @param user the caller forward auth let through, or {@code null}
	 */
	private Mono<Void> forward(HttpServerRequest request, HttpServerResponse response, HttpClient target, Route route,
			String path, String user) {
		HttpHeaders headers = forwardedHeaders(request, route, user);
		if (request.isWebsocket()) {
			return websocket(request, response, target, path, headers);
		}
		HttpMethod method = request.method();
		long length = contentLength(request.requestHeaders());
		boolean hasBody = length > 0 || (length < 0 && request.requestHeaders()
			.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true));
		if (route == null || route.shadows().isEmpty()) {
			return exchange(response, target, method, path, headers, hasBody ? request.receive().retain() : null,
					(route != null) ? route.main().key() : null);
		}
		if (hasBody && (length < 0 || length > this.settings.mirrorMaxBody())) {
			// too large (or of unknown length) to buffer: served, not mirrored, as
			// Traefik does
			return exchange(response, target, method, path, headers, request.receive().retain(), route.main().key());
		}
		if (!hasBody) {
			mirror(route, method, path, headers, null);
			return exchange(response, target, method, path, headers, null, route.main().key());
		}
		return request.receive().aggregate().asByteArray().flatMap((body) -> {
			mirror(route, method, path, headers, body);
			return exchange(response, target, method, path, headers, Mono.just(Unpooled.wrappedBuffer(body)),
					route.main().key());
		});
	}

	private Mono<Void> exchange(HttpServerResponse response, HttpClient target, HttpMethod method, String path,
			HttpHeaders headers, Publisher<ByteBuf> body, String key) {
		long start = System.nanoTime();
		int[] status = { HttpResponseStatus.BAD_GATEWAY.code() };
		return target.request(method).uri(path).send((outbound, out) -> {
			outbound.headers(headers);
			return (body != null) ? out.send(body) : out;
		}).response((inbound, content) -> {
			status[0] = inbound.status().code();
			response.status(inbound.status());
			copyResponseHeaders(inbound, response);
			return response.send(content.retain());
		}).then().onErrorResume((ex) -> {
			if (response.hasSentHeaders()) {
				return Mono.error(ex);
			}
			logger.debug("Proxied request to " + path + " failed: " + ex);
			status[0] = HttpResponseStatus.BAD_GATEWAY.code();
			return plain(response, HttpResponseStatus.BAD_GATEWAY, "The service did not answer\n");
		}).doFinally((signal) -> {
			if (key != null) {
				this.stats.record(key, false, status[0], System.nanoTime() - start);
			}
		});
	}

	private void mirror(Route route, HttpMethod method, String path, HttpHeaders headers, byte[] body) {
		for (Target shadow : route.shadows()) {
			long start = System.nanoTime();
			shadow.client().request(method).uri(path).send((outbound, out) -> {
				outbound.headers(headers);
				return (body != null) ? out.send(Mono.just(Unpooled.wrappedBuffer(body))) : out;
			})
				.responseSingle((inbound, content) -> content.then(Mono.just(inbound.status().code())))
				.onErrorResume(TimeoutException.class, (ex) -> Mono.just(HttpResponseStatus.GATEWAY_TIMEOUT.code()))
				.onErrorResume(ReadTimeoutException.class, (ex) -> Mono.just(HttpResponseStatus.GATEWAY_TIMEOUT.code()))
				.onErrorResume((ex) -> Mono.just(HttpResponseStatus.BAD_GATEWAY.code()))
				.subscribe((code) -> this.stats.record(shadow.key(), true, code, System.nanoTime() - start));
		}
	}

	private Mono<Void> websocket(HttpServerRequest request, HttpServerResponse response, HttpClient target, String path,
			HttpHeaders headers) {
		String protocols = request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
		HttpHeaders upgrade = new DefaultHttpHeaders();
		headers.forEach((entry) -> {
			if (!entry.getKey().regionMatches(true, 0, "sec-websocket-", 0, 14)) {
				upgrade.add(entry.getKey(), entry.getValue());
			}
		});
		WebsocketClientSpec clientSpec = WebsocketClientSpec.builder()
			.protocols(protocols)
			.handlePing(true)
			.maxFramePayloadLength(MAX_FRAME)
			.build();
		return target.headers((h) -> h.set(upgrade))
			.websocket(clientSpec)
			.uri(path)
			.handle((backendIn, backendOut) -> response.sendWebsocket(
					(clientIn, clientOut) -> bridge(clientIn, clientOut, backendIn, backendOut),
					WebsocketServerSpec.builder()
						.protocols(backendIn.selectedSubprotocol())
						.handlePing(true)
						.maxFramePayloadLength(MAX_FRAME)
						.build()))
			.then()
			.onErrorResume(WebSocketClientHandshakeException.class, (ex) -> {
				response.status(ex.response().status());
				return response.send();
			})
			.onErrorResume((ex) -> response.hasSentHeaders() ? Mono.empty()
					: plain(response, HttpResponseStatus.BAD_GATEWAY, "The WebSocket upgrade failed\n"));
	}

	/**
	 * Pumps frames both ways until either side closes, then closes the other with the
	 * same status (so a backend's 4401 reaches the client).
	 */
	private static Mono<Void> bridge(WebsocketInbound clientIn, WebsocketOutbound clientOut, WebsocketInbound backendIn,
			WebsocketOutbound backendOut) {
		Mono<Void> up = backendOut.sendObject(clientIn.receiveFrames().map(WebSocketFrame::retain)).then();
		Mono<Void> down = clientOut.sendObject(backendIn.receiveFrames().map(WebSocketFrame::retain)).then();
		Mono<Void> backendClosed = backendIn.receiveCloseStatus()
			.flatMap((status) -> clientOut.sendClose(status.code(), status.reasonText()));
		Mono<Void> clientClosed = clientIn.receiveCloseStatus()
			.flatMap((status) -> backendOut.sendClose(status.code(), status.reasonText()));
		return Mono.firstWithSignal(Mono.when(up, down), backendClosed, clientClosed).onErrorComplete();
	}

	private HttpHeaders forwardedHeaders(HttpServerRequest request, Route route, String user) {
		HttpHeaders incoming = request.requestHeaders();
		HttpHeaders headers = new DefaultHttpHeaders(false);
		boolean websocket = request.isWebsocket();
		for (Map.Entry<String, String> entry : incoming) {
			String name = entry.getKey();
			if (isHopByHop(name) && !(websocket && isUpgrade(name))) {
				continue;
			}
			if (name.regionMatches(true, 0, "x-forwarded-", 0, 12) || name.equalsIgnoreCase("x-real-ip")
					|| name.equalsIgnoreCase(X_DAEPLOY_USER)) {
				continue;
			}
			headers.add(name, entry.getValue());
		}
		String client = clientAddress(request);
		headers.set("X-Forwarded-For", client);
		headers.set("X-Real-Ip", client);
		headers.set("X-Forwarded-Proto", (request.scheme() != null) ? request.scheme() : "http");
		String host = incoming.get(HttpHeaderNames.HOST);
		if (host != null) {
			headers.set("X-Forwarded-Host", host);
		}
		if (route != null) {
			headers.set(X_FORWARDED_PREFIX, route.prefix());
		}
		if (user != null) {
			headers.set(X_DAEPLOY_USER, user);
		}
		return headers;
	}

	/**
	 * The declared body length, or -1 when none is declared (or it is malformed).
	 */
	private static long contentLength(HttpHeaders headers) {
		String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
		if (value == null) {
			return -1;
		}
		try {
			return Long.parseLong(value.strip());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static boolean isHopByHop(String name) {
		for (CharSequence hop : HOP_BY_HOP) {
			if (hop.toString().equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isUpgrade(String name) {
		return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("upgrade");
	}

	private static void copyResponseHeaders(HttpClientResponse inbound, HttpServerResponse response) {
		HttpHeaders out = response.responseHeaders();
		for (Map.Entry<String, String> entry : inbound.responseHeaders()) {
			if (!isHopByHop(entry.getKey())) {
				out.add(entry.getKey(), entry.getValue());
			}
		}
	}

	private static String clientAddress(HttpServerRequest request) {
		InetSocketAddress remote = request.remoteAddress();
		if (remote == null) {
			return "unknown";
		}
		return (remote.getAddress() != null) ? remote.getAddress().getHostAddress() : remote.getHostString();
	}

	private static String cookie(HttpServerRequest request) {
		List<Cookie> cookies = List.copyOf(request.allCookies().getOrDefault("daeploy", List.of()));
		return cookies.isEmpty() ? null : cookies.get(0).value();
	}

	private static String bearer(HttpHeaders headers) {
		String header = headers.get(HttpHeaderNames.AUTHORIZATION);
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) {
			return header.substring(7).strip();
		}
		return null;
	}

	private static Mono<Void> plain(HttpServerResponse response, HttpResponseStatus status, String text) {
		response.status(status).header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
		return response.sendString(Mono.just(text)).then();
	}

	/**
	 * Listen address and limits.
	 *
	 * @param address the address to listen on
	 * @param httpPort the port to listen on (0: any free one)
	 * @param shadowTimeout how long a mirrored request may take
	 * @param mirrorMaxBody larger request bodies are not mirrored
	 * @param maxConnections connections per backend in the main pool
	 */
	public record Settings(String address, int httpPort, Duration shadowTimeout, long mirrorMaxBody,
			int maxConnections) {
	}

	private record Target(String key, HttpClient client) {
	}

	private record Route(String prefix, Target main, List<Target> shadows) {
	}

}
