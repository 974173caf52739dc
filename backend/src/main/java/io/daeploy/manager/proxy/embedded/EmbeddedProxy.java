package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.daeploy.manager.proxy.ForwardAuth;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.proxy.RouteTable.ServiceRoutes;
import io.daeploy.manager.proxy.TlsSource;
import io.daeploy.manager.proxy.TrafficStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import javax.net.ssl.SSLException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Traefik's stand-in when no Traefik runs: a reverse proxy on the proxy port, written
 * directly on Netty (which reactor-netty and the manager's own server are built on) and
 * outside the Spring WebFlux stack. Measured here, a reactor-netty forwarder cost about
 * 250 µs of CPU per request against nginx's 40; relaying Netty's HTTP messages between
 * two channels of one event loop, with backend connections pooled per event loop, is the
 * cheapest way to forward a request on the JVM.
 * <p>
 * It listens on two ports. The services port serves Traefik's URL space:
 * {@code /services/<name>/...} goes to the main version and is mirrored to each shadow,
 * {@code /services/<name>_<version>/...} goes to that version, prefixes stripped and
 * {@code X-Forwarded-Prefix} set; every other path goes to the manager's own server,
 * WebSocket upgrades included (relayed as raw bytes after the {@code 101}). The dashboard
 * port sends everything to the manager and never a service, so the dashboard's origin
 * holds no service's page; the manager learns which port a request came in on from
 * {@code X-Daeploy-Entry}, which only the proxy sets. Service routes pass the same
 * forward-auth check as Traefik's, called in process. Mirrored copies use connections of
 * their own with a short timeout and a cap on those in flight, so a slow shadow never
 * delays the main route; their answers are measured, then dropped.
 * <p>
 * Everything a client can make it hold is bounded by {@link Limits}: connections in all
 * and per client address, across both ports (over a cap a new connection is closed at
 * once), requests pipelined on one connection (reading stops while they wait; a
 * connection that queues past the cap is closed), the size of a request's line and
 * headers, and how long a client may take over its headers, pause its body, idle between
 * requests or leave its answer unread. Nothing is buffered for the shadows before a
 * request is authorized.
 */
public final class EmbeddedProxy implements ProxyConnector {

	private static final Log logger = LogFactory.getLog(EmbeddedProxy.class);

	private final Settings settings;

	private final Limits limits;

	private final ForwardAuth auth;

	private final TrafficStats stats;

	private final EventLoopGroup group;

	private final Class<? extends ServerChannel> serverChannel;

	private final Bootstrap backends;

	private volatile Map<String, Route> routes = Map.of();

	private volatile Target manager;

	private Channel server;

	private Channel dashboard;

	private Channel secure;

	private volatile SslContext sslContext;

	/**
	 * Creates the proxy with the default {@link Limits}; it listens from {@link #start}.
	 * @param settings listen address and mirroring
	 * @param auth the forward-auth check, or {@code null} when auth is off
	 * @param stats where per-version traffic is recorded
	 */
	public EmbeddedProxy(Settings settings, ForwardAuth auth, TrafficStats stats) {
		this(settings, Limits.DEFAULTS, auth, stats);
	}

	/**
	 * Creates the proxy; it listens from {@link #start}.
	 * @param settings listen address and mirroring
	 * @param limits what one client may make the proxy hold
	 * @param auth the forward-auth check, or {@code null} when auth is off
	 * @param stats where per-version traffic is recorded
	 */
	public EmbeddedProxy(Settings settings, Limits limits, ForwardAuth auth, TrafficStats stats) {
		this.settings = settings;
		this.limits = limits;
		this.auth = auth;
		this.stats = stats;
		boolean epoll = Epoll.isAvailable();
		IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		this.group = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
				new DefaultThreadFactory("daeploy-proxy", true), io);
		this.serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
		this.backends = new Bootstrap().group(this.group)
			.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
	}

	@Override
	public synchronized void start(InetSocketAddress manager) {
		if (this.server != null) {
			return;
		}
		this.manager = new Target(null, manager);
		int maxConnections = Limits.connectionCap(this.limits.maxConnections(), Admission.descriptorLimit());
		// one admission for both listeners: they share the process's descriptors
		Admission admission = new Admission(maxConnections, this.limits.maxConnectionsPerClient());
		TlsSource tls = this.settings.tls();
		if (tls != null) {
			this.sslContext = sslContext(tls.current());
			tls.onChange(() -> this.sslContext = sslContext(tls.current()));
			this.secure = listen(this.settings.httpsPort(), Entry.SERVICES, admission, true);
		}
		this.server = listen(this.settings.httpPort(), Entry.SERVICES, admission, false);
		this.dashboard = listen(this.settings.dashboardPort(), Entry.DASHBOARD, admission, tls != null);
		logger.info("Embedded proxy listening on " + this.settings.address() + ":" + httpPort() + " (services) and :"
				+ dashboardPort() + " (dashboard" + ((tls != null) ? ", HTTPS" : "") + ")"
				+ ((tls != null) ? ", :" + httpsPort() + " (services over HTTPS; HTTP redirects there)" : "")
				+ "; manager at " + manager.getHostString() + ":" + manager.getPort() + "; at most " + maxConnections
				+ " connections (" + this.limits.maxConnectionsPerClient() + " per client address), "
				+ this.limits.maxPipelined() + " pipelined requests, timeouts: headers "
				+ this.limits.headerTimeout().toMillis() + " ms, body " + this.limits.bodyTimeout().toMillis()
				+ " ms, idle " + this.limits.idleTimeout().toMillis() + " ms, send "
				+ this.limits.sendTimeout().toMillis() + " ms");
	}

	/**
	 * A server context for a certificate: new connections use the newest one, open ones
	 * keep the one they began with, so a renewal drops none.
	 */
	private static SslContext sslContext(TlsSource.Served served) {
		try {
			return SslContextBuilder.forServer(served.key(), served.chain().toArray(new X509Certificate[0]))
				.protocols("TLSv1.3", "TLSv1.2")
				.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("The HTTPS certificate is not usable: " + ex.getMessage(), ex);
		}
	}

	private Channel listen(int port, Entry entry, Admission admission, boolean tls) {
		return new ServerBootstrap().group(this.group)
			.channel(this.serverChannel)
			.option(ChannelOption.SO_BACKLOG, 1024)
			.handler(admission)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					Frontend frontend = new Frontend(EmbeddedProxy.this, entry, tls);
					if (tls) {
						channel.pipeline().addLast("tls", EmbeddedProxy.this.sslContext.newHandler(channel.alloc()));
					}
					channel.pipeline()
						.addLast(Frontend.WATCH, frontend.readWatch())
						.addLast(Frontend.CODEC, new HttpServerCodec(requestDecoding()))
						.addLast(Frontend.KEEP_ALIVE, new KeepAlive())
						.addLast(frontend);
				}

			})
			.bind(this.settings.address(), port)
			.syncUninterruptibly()
			.channel();
	}

	/**
	 * How requests are read: sizes capped, and any {@code Transfer-Encoding} besides
	 * {@code chunked} or beside a {@code Content-Length} refused (RFC 9112 §6.1).
	 */
	private HttpDecoderConfig requestDecoding() {
		return new HttpDecoderConfig().setMaxInitialLineLength(this.limits.maxRequestLine())
			.setMaxHeaderSize(this.limits.maxHeaderSize())
			.setMaxChunkSize(65536)
			.setUseRfc9112TransferEncoding(true);
	}

	@Override
	public synchronized void stop() {
		if (this.server != null) {
			this.server.close().syncUninterruptibly();
			this.server = null;
		}
		if (this.dashboard != null) {
			this.dashboard.close().syncUninterruptibly();
			this.dashboard = null;
		}
		if (this.secure != null) {
			this.secure.close().syncUninterruptibly();
			this.secure = null;
		}
		this.group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Override
	public void route(RouteTable table) {
		Map<String, Route> next = new HashMap<>();
		for (ServiceRoutes service : table.services()) {
			for (Backend version : service.versions()) {
				next.put(version.key(), new Route(version.prefix(), target(version), List.of()));
			}
			if (service.main() != null) {
				next.put(service.name(), new Route(service.prefix(), target(service.main()),
						service.shadows().stream().map(EmbeddedProxy::target).toList()));
			}
		}
		this.routes = Map.copyOf(next);
	}

	@Override
	public int httpPort() {
		Channel current = this.server;
		return (current != null) ? ((InetSocketAddress) current.localAddress()).getPort() : this.settings.httpPort();
	}

	@Override
	public int dashboardPort() {
		Channel current = this.dashboard;
		return (current != null) ? ((InetSocketAddress) current.localAddress()).getPort()
				: this.settings.dashboardPort();
	}

	/**
	 * The HTTPS port of services, as bound.
	 * @return the port, or the configured one before the proxy listens (0 without HTTPS)
	 */
	public int httpsPort() {
		Channel current = this.secure;
		return (current != null) ? ((InetSocketAddress) current.localAddress()).getPort() : this.settings.httpsPort();
	}

	@Override
	public String kind() {
		return "embedded";
	}

	Settings settings() {
		return this.settings;
	}

	Limits limits() {
		return this.limits;
	}

	ForwardAuth auth() {
		return this.auth;
	}

	TrafficStats stats() {
		return this.stats;
	}

	Bootstrap backends() {
		return this.backends;
	}

	Target manager() {
		return this.manager;
	}

	/**
	 * The route a request path's first segment after {@code /services/} names.
	 * @param segment {@code <name>} or {@code <name>_<version>}
	 * @return the route, or {@code null}
	 */
	Route route(String segment) {
		return this.routes.get(segment);
	}

	static Target target(Backend backend) {
		URI uri = URI.create(backend.url());
		String host = uri.getHost();
		int port = uri.getPort();
		if (host == null && uri.getRawAuthority() != null) {
			// a container name such as daeploy-hello-1.0.0 (the manager in a container):
			// its last label starts with a digit, so java.net.URI takes the authority for
			// a registry name and has no host
			String authority = uri.getRawAuthority();
			int colon = authority.lastIndexOf(':');
			host = (colon > 0) ? authority.substring(0, colon) : authority;
			port = (colon > 0) ? Integer.parseInt(authority.substring(colon + 1)) : -1;
		}
		if (host == null || host.isEmpty()) {
			throw new IllegalArgumentException("No host in the address of " + backend.key() + ": " + backend.url());
		}
		port = (port > 0) ? port : 80;
		InetSocketAddress address = isLiteral(host) ? new InetSocketAddress(host, port)
				: InetSocketAddress.createUnresolved(host, port);
		return new Target(backend.key(), address);
	}

	private static boolean isLiteral(String host) {
		return host.chars().allMatch((c) -> Character.isDigit(c) || c == '.') || host.contains(":");
	}

	/**
	 * Listen address and mirroring.
	 *
	 * @param address the address to listen on
	 * @param httpPort the port of services (0: any free one)
	 * @param dashboardPort the port of the dashboard's origin (0: any free one)
	 * @param shadowTimeout how long a mirrored request may take
	 * @param mirrorMaxBody larger request bodies are not mirrored
	 * @param maxMirrorsInFlight mirrored requests in flight per shadow and event loop;
	 * further ones are dropped (and not counted) until some finish
	 * @param httpsPort with {@code tls}, the port of services over HTTPS (0: any free
	 * one)
	 * @param tls with HTTPS on, the certificate and the HTTP-01 answers: the HTTP port
	 * then answers challenges and redirects everything else to HTTPS, and the dashboard
	 * port speaks TLS too; {@code null}: plain HTTP only
	 */
	public record Settings(String address, int httpPort, int dashboardPort, Duration shadowTimeout, long mirrorMaxBody,
			int maxMirrorsInFlight, int httpsPort, TlsSource tls) {

		/**
		 * Settings without HTTPS.
		 * @param address the address to listen on
		 * @param httpPort the port of services (0: any free one)
		 * @param dashboardPort the port of the dashboard's origin (0: any free one)
		 * @param shadowTimeout how long a mirrored request may take
		 * @param mirrorMaxBody larger request bodies are not mirrored
		 * @param maxMirrorsInFlight mirrored requests in flight per shadow and event loop
		 */
		public Settings(String address, int httpPort, int dashboardPort, Duration shadowTimeout, long mirrorMaxBody,
				int maxMirrorsInFlight) {
			this(address, httpPort, dashboardPort, shadowTimeout, mirrorMaxBody, maxMirrorsInFlight, 0, null);
		}

	}

	/**
	 * Which listener a connection came in on.
	 */
	enum Entry {

		/** Service routes, and the manager for API clients. */
		SERVICES,

		/** The dashboard's own origin: everything goes to the manager, no service. */
		DASHBOARD;

		/**
		 * The value of {@code X-Daeploy-Entry} the manager sees.
		 * @return {@code services} or {@code dashboard}
		 */
		String header() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * What one client may make the proxy hold. The defaults suit a small VM and are those
	 * of {@code DAEPLOY_PROXY_*} (README lists them).
	 *
	 * @param maxConnections client connections open at once (lowered at start to what the
	 * file descriptor limit allows, see {@link #connectionCap})
	 * @param maxConnectionsPerClient client connections from one address open at once
	 * @param maxPipelined requests queued behind the one being answered on a connection;
	 * one more closes the connection
	 * @param maxHeaderSize the largest header block in bytes (431 beyond)
	 * @param maxRequestLine the longest request line in bytes (414 beyond)
	 * @param headerTimeout from the first byte of a request to the end of its headers
	 * @param bodyTimeout the longest pause between two reads of a request body
	 * @param idleTimeout how long a connection may wait for its next request
	 * @param sendTimeout how long a client may leave its answer unread
	 */
	public record Limits(int maxConnections, int maxConnectionsPerClient, int maxPipelined, int maxHeaderSize,
			int maxRequestLine, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout,
			Duration sendTimeout) {

		/** The defaults, as {@code DAEPLOY_PROXY_*} has them. */
		public static final Limits DEFAULTS = new Limits(1024, 256, 16, 16 * 1024, 8 * 1024, Duration.ofSeconds(10),
				Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(60));

		/** File descriptors kept for everything but proxied connections. */
		static final int RESERVED_DESCRIPTORS = 256;

		/**
		 * Checks the limits.
		 * @throws IllegalArgumentException when a cap or a timeout is not positive
		 */
		public Limits {
			if (maxConnections < 1 || maxConnectionsPerClient < 1 || maxPipelined < 0 || maxHeaderSize < 1
					|| maxRequestLine < 1) {
				throw new IllegalArgumentException("Proxy limits must be positive: " + maxConnections + " connections, "
						+ maxConnectionsPerClient + " per client, " + maxPipelined + " pipelined, " + maxHeaderSize
						+ " header bytes, " + maxRequestLine + " request line bytes");
			}
			for (Duration timeout : new Duration[] { headerTimeout, bodyTimeout, idleTimeout, sendTimeout }) {
				if (timeout == null || timeout.isNegative() || timeout.isZero()) {
					throw new IllegalArgumentException("Proxy timeouts must be positive: header " + headerTimeout
							+ ", body " + bodyTimeout + ", idle " + idleTimeout + ", send " + sendTimeout);
				}
			}
		}

		/**
		 * The connection cap in force: the configured one, lowered so that every client
		 * connection can also hold a backend connection and, on the manager's routes, the
		 * manager's own end of it, within the process's file descriptors.
		 * @param configured {@link #maxConnections}
		 * @param descriptorLimit the process's limit, or a negative number when unknown
		 * @return the cap: the configured one, or what the descriptors allow (at least
		 * 16)
		 */
		static int connectionCap(int configured, long descriptorLimit) {
			if (descriptorLimit <= 0) {
				return configured;
			}
			long byDescriptors = Math.max(16, (descriptorLimit - RESERVED_DESCRIPTORS) / 3);
			return (int) Math.min(configured, byDescriptors);
		}

	}

	/**
	 * Where a request goes.
	 *
	 * @param key the version's route key for traffic figures, {@code null} for the
	 * manager
	 * @param address the backend's address
	 */
	record Target(String key, InetSocketAddress address) {
	}

	/**
	 * One routed prefix.
	 *
	 * @param prefix the path prefix to strip
	 * @param main where requests go
	 * @param shadows where copies go
	 */
	record Route(String prefix, Target main, List<Target> shadows) {
	}

}
