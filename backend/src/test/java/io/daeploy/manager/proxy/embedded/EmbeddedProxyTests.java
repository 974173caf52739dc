package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.daeploy.manager.proxy.ForwardAuth;
import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.proxy.TrafficStats;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded proxy against real local HTTP backends: slow and dead shadows, large
 * bodies, unreachable backends, header hygiene and forward auth.
 */
class EmbeddedProxyTests {

	private final List<DisposableServer> backends = new ArrayList<>();

	private final TrafficStats stats = new TrafficStats();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private EmbeddedProxy proxy;

	@AfterEach
	void stop() {
		if (this.proxy != null) {
			this.proxy.stop();
		}
		this.backends.forEach(DisposableServer::disposeNow);
	}

	@Test
	void aSlowShadowNeverDelaysMainAndTimesOutOnItsOwn() throws Exception {
		Recorder main = new Recorder();
		Recorder shadow = new Recorder();
		String mainUrl = backend(main, Duration.ZERO);
		String shadowUrl = backend(shadow, Duration.ofSeconds(30));
		start(null, Duration.ofMillis(500), 1024);
		this.proxy.route(RouteTable
			.of(List.of(new Backend("svc", "1.0.0", true, mainUrl), new Backend("svc", "2.0.0", false, shadowUrl))));

		for (int i = 0; i < 20; i++) {
			HttpResponse<String> response = get("/services/svc/ping?i=" + i);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("main GET /ping?i=" + i);
		}
		assertThat(main.paths).hasSize(20);
		awaitTrue(() -> this.stats.snapshot("svc_2.0.0").requests() == 20);
		TrafficStats.VersionTraffic shadowTraffic = this.stats.snapshot("svc_2.0.0");
		assertThat(shadowTraffic.mirrored()).isEqualTo(20);
		assertThat(shadowTraffic.serverErrors()).isEqualTo(20);
		assertThat(this.stats.snapshot("svc_1.0.0").serverErrors()).isZero();
	}

	@Test
	void bodiesAreMirroredUpToTheCapAndServedBeyondIt() throws Exception {
		Recorder main = new Recorder();
		Recorder shadow = new Recorder();
		start(null, Duration.ofSeconds(5), 1024);
		this.proxy.route(RouteTable.of(List.of(new Backend("svc", "1.0.0", true, backend(main, Duration.ZERO)),
				new Backend("svc", "2.0.0", false, backend(shadow, Duration.ZERO)))));

		String small = "x".repeat(1000);
		String large = "y".repeat(5000);
		assertThat(post("/services/svc/small", small).body()).isEqualTo("main POST /small " + small.length());
		assertThat(post("/services/svc/large", large).body()).isEqualTo("main POST /large " + large.length());

		awaitTrue(() -> shadow.paths.size() == 1);
		// and the large one never comes
		Awaitility.await()
			.during(Duration.ofMillis(200))
			.atMost(Duration.ofSeconds(2))
			.until(() -> shadow.paths.size() == 1);
		assertThat(shadow.paths).containsExactly("POST /small " + small.length());
		assertThat(main.paths).containsExactly("POST /small " + small.length(), "POST /large " + large.length());
	}

	@Test
	void anUnreachableBackendIsABadGatewayAndUnknownRoutesAreNotFound() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		start(null, Duration.ofSeconds(5), 1024);
		this.proxy.route(RouteTable.of(List.of(new Backend("gone", "1.0.0", true, "http://127.0.0.1:" + closed))));

		assertThat(get("/services/gone/").statusCode()).isEqualTo(502);
		assertThat(this.stats.snapshot("gone_1.0.0").serverErrors()).isEqualTo(1);
		assertThat(get("/services/other/").statusCode()).isEqualTo(404);
		assertThat(get("/services/gone_2.0.0/").statusCode()).isEqualTo(404);
	}

	@Test
	void clientForwardedHeadersAreReplacedNotTrusted() throws Exception {
		Recorder main = new Recorder();
		start(null, Duration.ofSeconds(5), 1024);
		this.proxy.route(RouteTable.of(List.of(new Backend("svc", "1.0.0", true, backend(main, Duration.ZERO)))));

		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri("/services/svc/h"))
			.header("X-Forwarded-For", "6.6.6.6")
			.header("X-Forwarded-Prefix", "/evil")
			.header("X-Daeploy-User", "admin")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(main.headers).singleElement()
			.isEqualTo("for=127.0.0.1 prefix=/services/svc user=null host=127.0.0.1:" + this.proxy.httpPort());
	}

	@Test
	void forwardAuthDecidesBeforeTheServiceIsAsked() throws Exception {
		Recorder main = new Recorder();
		ForwardAuth auth = (cookie, bearer, url,
				dashboard) -> Mono.just("good".equals(bearer) ? new ForwardAuth.Decision(200, null, "ann")
						: (bearer != null) ? new ForwardAuth.Decision(401, null, null)
								: new ForwardAuth.Decision(303, dashboard + "/auth/login?destination=" + url, null));
		start(auth, Duration.ofSeconds(5), 1024);
		this.proxy.route(RouteTable.of(List.of(new Backend("svc", "1.0.0", true, backend(main, Duration.ZERO)))));

		HttpResponse<String> anonymous = get("/services/svc/x");
		assertThat(anonymous.statusCode()).isEqualTo(303);
		// the sign-in page is on the dashboard's origin, and the way back is the full URL
		assertThat(anonymous.headers().firstValue("location")).hasValue("http://127.0.0.1:" + this.proxy.dashboardPort()
				+ "/auth/login?destination=http://127.0.0.1:" + this.proxy.httpPort() + "/services/svc/x");
		assertThat(this.http
			.send(HttpRequest.newBuilder(uri("/services/svc/x")).header("Authorization", "Bearer bad").build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(401);
		assertThat(main.paths).isEmpty();
		assertThat(this.http
			.send(HttpRequest.newBuilder(uri("/services/svc/x")).header("Authorization", "Bearer good").build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(200);
		assertThat(main.headers).singleElement().asString().contains("user=ann");
	}

	private void start(ForwardAuth auth, Duration shadowTimeout, long mirrorMaxBody) {
		this.proxy = new EmbeddedProxy(new EmbeddedProxy.Settings("127.0.0.1", 0, 0, shadowTimeout, mirrorMaxBody, 64),
				auth, this.stats);
		this.proxy.start(new InetSocketAddress("127.0.0.1", 9));
	}

	/**
	 * A backend that answers {@code main <method> <path> [<body length>]} after a delay
	 * and records what it saw.
	 */
	private String backend(Recorder recorder, Duration delay) {
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request,
					response) -> request.receive().aggregate().asString().defaultIfEmpty("").flatMap((body) -> {
						String seen = request.method() + " " + request.uri()
								+ (body.isEmpty() ? "" : " " + body.length());
						recorder.paths.add(seen);
						recorder.headers.add("for=" + request.requestHeaders().get("X-Forwarded-For") + " prefix="
								+ request.requestHeaders().get("X-Forwarded-Prefix") + " user="
								+ request.requestHeaders().get("X-Daeploy-User") + " host="
								+ request.requestHeaders().get("Host"));
						return response.sendString(Mono.just("main " + seen).delayElement(delay)).then();
					}))
			.bindNow();
		this.backends.add(server);
		return "http://127.0.0.1:" + server.port();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.proxy.httpPort() + path);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void awaitTrue(java.util.function.BooleanSupplier condition) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(condition::getAsBoolean);
	}

	private static final class Recorder {

		final List<String> paths = new CopyOnWriteArrayList<>();

		final List<String> headers = new CopyOnWriteArrayList<>();

	}

}
