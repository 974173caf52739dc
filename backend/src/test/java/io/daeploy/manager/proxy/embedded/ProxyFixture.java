package io.daeploy.manager.proxy.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.daeploy.manager.proxy.ForwardAuth;
import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.proxy.TrafficStats;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Limits;
import reactor.core.publisher.Mono;

/**
 * An embedded proxy on a free loopback port for one test, with the raw backends it routes
 * to; closing it stops both.
 */
final class ProxyFixture implements AutoCloseable {

	/** The cookie value and bearer tokens {@link #sessionAuth()} knows. */
	static final String SESSION = "session-of-ann";

	static final String MANAGER_TOKEN = "manager-token-of-ann";

	final TrafficStats stats = new TrafficStats();

	private final List<AutoCloseable> backends = new ArrayList<>();

	private EmbeddedProxy proxy;

	/**
	 * Starts the proxy.
	 * @param limits its limits
	 * @param auth forward auth, or {@code null} for none
	 * @param manager where paths outside {@code /services/} go, or {@code null} for a
	 * port nothing listens on
	 */
	ProxyFixture start(Limits limits, ForwardAuth auth, RawHttp.Backend manager) {
		this.proxy = new EmbeddedProxy(
				new EmbeddedProxy.Settings("127.0.0.1", 0, 0, Duration.ofSeconds(5), 1024 * 1024, 64), limits, auth,
				this.stats);
		int port = (manager != null) ? Integer.parseInt(manager.url().substring(manager.url().lastIndexOf(':') + 1))
				: 9;
		this.proxy.start(new InetSocketAddress("127.0.0.1", port));
		return this;
	}

	ProxyFixture start(Limits limits) {
		return start(limits, null, null);
	}

	/**
	 * Routes service {@code svc}: version 1.0.0 is main, further backends are shadows
	 * 2.0.0, 3.0.0, ...
	 */
	ProxyFixture route(RawHttp.Backend main, RawHttp.Backend... shadows) {
		List<Backend> versions = new ArrayList<>();
		versions.add(new Backend("svc", "1.0.0", true, main.url()));
		for (int i = 0; i < shadows.length; i++) {
			versions.add(new Backend("svc", (i + 2) + ".0.0", false, shadows[i].url()));
		}
		this.proxy.route(RouteTable.of(versions));
		return this;
	}

	<T extends AutoCloseable> T backend(T backend) {
		this.backends.add(backend);
		return backend;
	}

	RawHttp.Backend echo() throws IOException {
		return backend(RawHttp.Backend.echo());
	}

	RawHttp.Backend stalled() throws IOException {
		return backend(RawHttp.Backend.stalled());
	}

	RawHttp.Backend answering(String answer, boolean closeAfterAnswer) throws IOException {
		return backend(new RawHttp.Backend((request) -> answer, closeAfterAnswer));
	}

	int port() {
		return this.proxy.httpPort();
	}

	RawHttp.Client client() throws IOException {
		return RawHttp.connect(port());
	}

	@Override
	public void close() throws Exception {
		if (this.proxy != null) {
			this.proxy.stop();
		}
		for (AutoCloseable backend : this.backends) {
			backend.close();
		}
	}

	static Limits withTimeouts(Duration header, Duration body, Duration idle, Duration send) {
		Limits d = Limits.DEFAULTS;
		return new Limits(d.maxConnections(), d.maxConnectionsPerClient(), d.maxPipelined(), d.maxHeaderSize(),
				d.maxRequestLine(), header, body, idle, send);
	}

	static Limits withConnections(int total, int perClient) {
		Limits d = Limits.DEFAULTS;
		return new Limits(total, perClient, d.maxPipelined(), d.maxHeaderSize(), d.maxRequestLine(), d.headerTimeout(),
				d.bodyTimeout(), d.idleTimeout(), d.sendTimeout());
	}

	/**
	 * Forward auth as the manager's: the session cookie {@link #SESSION} or the bearer
	 * {@link #MANAGER_TOKEN} pass as {@code ann}, and say whether the bearer was the
	 * manager's; another bearer beside a valid cookie is a service's own; a bad bearer
	 * alone gets 401, nothing at all 303.
	 */
	static ForwardAuth sessionAuth() {
		return (cookie, bearer, url, dashboard) -> {
			boolean managerBearer = MANAGER_TOKEN.equals(bearer);
			if (SESSION.equals(cookie) || managerBearer) {
				return Mono.just(new ForwardAuth.Decision(200, null, "ann", managerBearer));
			}
			return Mono.just((bearer != null) ? new ForwardAuth.Decision(401, null, null)
					: new ForwardAuth.Decision(303, "/auth/login", null));
		};
	}

	/** Forward auth that refuses every request with 401. */
	static ForwardAuth refuseAll() {
		return (cookie, bearer, url, dashboard) -> Mono.just(new ForwardAuth.Decision(401, null, null));
	}

	/** Forward auth that lets every request through as {@code ann}. */
	static ForwardAuth allowAll() {
		return (cookie, bearer, url, dashboard) -> Mono.just(new ForwardAuth.Decision(200, null, "ann"));
	}

}
