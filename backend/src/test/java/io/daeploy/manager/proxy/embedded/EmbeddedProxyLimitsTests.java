package io.daeploy.manager.proxy.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Limits;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one client can make the embedded proxy hold, attacked over raw sockets: pipelined
 * floods, oversized and slow headers, half-sent bodies, idle and unread connections,
 * connection floods, and bodies declared to a service with shadows before forward auth
 * has spoken. Each attack costs the attacker its own connection and the proxy a bounded
 * amount, and other clients go on being served.
 */
class EmbeddedProxyLimitsTests {

	private static final String GET = "GET /services/svc/ping HTTP/1.1\r\nHost: proxy\r\n\r\n";

	private final ProxyFixture fixture = new ProxyFixture();

	private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "trickle");
		thread.setDaemon(true);
		return thread;
	});

	@AfterEach
	void stop() throws Exception {
		this.trickle.shutdownNow();
		this.fixture.close();
	}

	@Test
	void pipelinedRequestsWithinTheCapAreAnsweredInOrder() throws Exception {
		this.fixture.start(Limits.DEFAULTS).route(this.fixture.echo());
		try (RawHttp.Client client = this.fixture.client()) {
			StringBuilder burst = new StringBuilder();
			for (int i = 0; i < 10; i++) {
				burst.append("GET /services/svc/p").append(i).append(" HTTP/1.1\r\nHost: proxy\r\n\r\n");
			}
			client.send(burst.toString());
			for (int i = 0; i < 10; i++) {
				RawHttp.Response response = client.read();
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.body()).isEqualTo("GET /p" + i + " HTTP/1.1");
			}
		}
	}

	@Test
	void aPipelinedFloodOnOneConnectionIsClosedAndTheHeapStaysFlat() throws Exception {
		// the backend never answers, so every pipelined request would have to wait
		this.fixture.start(Limits.DEFAULTS).route(this.fixture.stalled());
		long before = usedHeapAfterGc();
		AtomicInteger sent = new AtomicInteger();
		AtomicBoolean refused = new AtomicBoolean();
		try (RawHttp.Client client = this.fixture.client()) {
			byte[] chunk = GET.repeat(1000).getBytes(StandardCharsets.ISO_8859_1);
			Thread flood = new Thread(() -> {
				OutputStream out = client.output();
				try {
					while (sent.get() < 200_000) {
						out.write(chunk);
						sent.addAndGet(1000);
					}
					out.flush();
				}
				catch (IOException ex) {
					refused.set(true);
				}
			}, "flood");
			flood.setDaemon(true);
			flood.start();
			flood.join(Duration.ofSeconds(20).toMillis());
			long after = usedHeapAfterGc();
			assertThat(refused).as("the proxy closed the flooding connection (%d requests sent)", sent.get()).isTrue();
			assertThat(after - before).as("heap growth in bytes").isLessThan(24L * 1024 * 1024);
		}
		// and serves the next client
		RawHttp.Backend echo = this.fixture.echo();
		this.fixture.route(echo);
		try (RawHttp.Client client = this.fixture.client()) {
			assertThat(client.send(GET).read().status()).isEqualTo(200);
		}
	}

	@Test
	void tooLargeHeadersGet431AndATooLongRequestLine414() throws Exception {
		this.fixture.start(Limits.DEFAULTS).route(this.fixture.echo());
		try (RawHttp.Client client = this.fixture.client()) {
			client.send("GET /services/svc/ HTTP/1.1\r\nHost: proxy\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
			assertThat(client.read().status()).isEqualTo(431);
			assertThat(client.closedByProxy()).isTrue();
		}
		try (RawHttp.Client client = this.fixture.client()) {
			client.send("GET /services/svc/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: proxy\r\n\r\n");
			assertThat(client.read().status()).isEqualTo(414);
			assertThat(client.closedByProxy()).isTrue();
		}
	}

	@Test
	void aBadRequestLineGets400AndClose() throws Exception {
		this.fixture.start(Limits.DEFAULTS).route(this.fixture.echo());
		for (String line : List.of("GARBAGE\r\n\r\n", "GET /services/svc/ HTTP/9.9\r\nHost: proxy\r\n\r\n",
				"GET http://elsewhere/ HTTP/1.1\r\nHost: proxy\r\n\r\n", "GET /services/svc/ HTTP/1.1 extra\r\n\r\n")) {
			try (RawHttp.Client client = this.fixture.client()) {
				client.send(line);
				assertThat(client.read().status()).as(line).isIn(400, 505);
				assertThat(client.closedByProxy()).as(line).isTrue();
			}
		}
	}

	@Test
	void slowHeadersGet408AndClose() throws Exception {
		RawHttp.Backend echo = this.fixture.echo();
		this.fixture.start(ProxyFixture.withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(30),
				Duration.ofSeconds(60), Duration.ofSeconds(60)))
			.route(echo);
		try (RawHttp.Client slowloris = this.fixture.client()) {
			slowloris.send("GET /services/svc/ HTTP/1.1\r\nHost: proxy\r\n");
			// one more header line every 100 ms: each read is on time, the headers never
			// end
			AtomicInteger lines = new AtomicInteger();
			this.trickle.scheduleAtFixedRate(() -> slowloris.trySend("X-Line-" + lines.incrementAndGet() + ": x\r\n"),
					100, 100, TimeUnit.MILLISECONDS);
			RawHttp.Response response = slowloris.read();
			assertThat(response.status()).isEqualTo(408);
			assertThat(slowloris.closedByProxy()).isTrue();
		}
		assertThat(echo.received).isEmpty();
	}

	@Test
	void aHalfSentBodyGets408AndClose() throws Exception {
		RawHttp.Backend echo = this.fixture.echo();
		this.fixture.start(ProxyFixture.withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(500),
				Duration.ofSeconds(60), Duration.ofSeconds(60)))
			.route(echo);
		try (RawHttp.Client client = this.fixture.client()) {
			client.send("POST /services/svc/upload HTTP/1.1\r\nHost: proxy\r\nContent-Length: 100\r\n\r\n0123456789");
			assertThat(client.read().status()).isEqualTo(408);
			assertThat(client.closedByProxy()).isTrue();
		}
		// the backend's end was closed too: it never saw a complete request
		assertThat(echo.received).isEmpty();
	}

	@Test
	void aBodyThatKeepsMovingIsNotTimedOut() throws Exception {
		this.fixture.start(ProxyFixture.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(2),
				Duration.ofSeconds(60), Duration.ofSeconds(60)))
			.route(this.fixture.echo());
		try (RawHttp.Client client = this.fixture.client()) {
			client.send("POST /services/svc/upload HTTP/1.1\r\nHost: proxy\r\nContent-Length: 30\r\n\r\n");
			// 30 bytes, one every 100 ms: 3 s in all, longer than the body timeout
			AtomicInteger bytes = new AtomicInteger();
			this.trickle.scheduleAtFixedRate(() -> {
				if (bytes.getAndIncrement() < 30) {
					client.trySend("x");
				}
			}, 100, 100, TimeUnit.MILLISECONDS);
			RawHttp.Response response = client.read();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("POST /upload HTTP/1.1 30");
		}
	}

	@Test
	void idleConnectionsAreClosed() throws Exception {
		this.fixture.start(ProxyFixture.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
				Duration.ofMillis(500), Duration.ofSeconds(60)))
			.route(this.fixture.echo());
		try (RawHttp.Client silent = this.fixture.client(); RawHttp.Client served = this.fixture.client()) {
			assertThat(served.send(GET).read().status()).isEqualTo(200);
			assertThat(silent.closedByProxy()).as("a connection that never sent anything").isTrue();
			assertThat(served.closedByProxy()).as("a keep-alive connection after its answer").isTrue();
		}
	}

	@Test
	void aClientThatLeavesItsAnswerUnreadIsClosed() throws Exception {
		String large = "x".repeat(32 * 1024 * 1024);
		RawHttp.Backend backend = this.fixture
			.answering("HTTP/1.1 200 OK\r\nContent-Length: " + large.length() + "\r\n\r\n" + large, false);
		this.fixture.start(ProxyFixture.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
				Duration.ofSeconds(60), Duration.ofMillis(500)))
			.route(backend);
		try (RawHttp.Client reader = this.fixture.client()) {
			reader.send(GET);
			// the client reads nothing: the proxy gives up on it and on the backend's
			// answer
			Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> backend.writesFailed.get() == 1);
			byte[] got = reader.readToEnd();
			assertThat(got).as("the connection ended").isNotNull();
			assertThat(got.length).isLessThan(large.length());
		}
	}

	@Test
	void connectionsPerClientAddressAreCapped() throws Exception {
		this.fixture.start(ProxyFixture.withConnections(100, 3)).route(this.fixture.echo());
		List<RawHttp.Client> held = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				RawHttp.Client client = this.fixture.client();
				held.add(client);
				assertThat(client.send(GET).read().status()).isEqualTo(200);
			}
			try (RawHttp.Client fourth = this.fixture.client()) {
				assertThat(fourth.closedByProxy()).as("a fourth connection from 127.0.0.1").isTrue();
			}
			try (RawHttp.Client other = RawHttp.connectFrom("127.0.0.2", this.fixture.port())) {
				assertThat(other.send(GET).read().status()).as("another address").isEqualTo(200);
			}
			held.remove(0).close();
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::servedOnANewConnection);
		}
		finally {
			held.forEach(RawHttp.Client::close);
		}
	}

	@Test
	void connectionsInAllAreCapped() throws Exception {
		this.fixture.start(ProxyFixture.withConnections(4, 100)).route(this.fixture.echo());
		List<RawHttp.Client> held = new ArrayList<>();
		try {
			for (String from : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")) {
				RawHttp.Client client = RawHttp.connectFrom(from, this.fixture.port());
				held.add(client);
				assertThat(client.send(GET).read().status()).isEqualTo(200);
			}
			try (RawHttp.Client fifth = RawHttp.connectFrom("127.0.0.5", this.fixture.port())) {
				assertThat(fifth.closedByProxy()).as("a fifth connection").isTrue();
			}
			held.remove(0).close();
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::servedOnANewConnection);
		}
		finally {
			held.forEach(RawHttp.Client::close);
		}
	}

	@Test
	void theConnectionCapStaysBelowTheDescriptorLimit() {
		assertThat(Limits.connectionCap(1024, 20_000)).isEqualTo(1024);
		assertThat(Limits.connectionCap(1024, 1024)).isEqualTo((1024 - 256) / 3);
		assertThat(Limits.connectionCap(1024, 100)).isEqualTo(16);
		assertThat(Limits.connectionCap(1024, -1)).isEqualTo(1024);
	}

	@Test
	void refusedRequestsToAServiceWithShadowsReserveNothingForTheMirror() throws Exception {
		this.fixture.start(Limits.DEFAULTS, ProxyFixture.refuseAll(), null)
			.route(this.fixture.stalled(), this.fixture.stalled());
		long before = usedDirectMemory();
		List<RawHttp.Client> clients = new ArrayList<>();
		try {
			// each declares a 1 MiB body (the mirroring cap) and sends none of it
			for (int i = 0; i < 64; i++) {
				RawHttp.Client client = this.fixture.client();
				clients.add(client);
				client.send("POST /services/svc/x HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer forged\r\n"
						+ "Content-Length: 1048576\r\n\r\n");
			}
			for (RawHttp.Client client : clients) {
				assertThat(client.read().status()).isEqualTo(401);
			}
			long held = usedDirectMemory() - before;
			assertThat(held).as("direct memory held for 64 refused requests").isLessThan(8L * 1024 * 1024);
			for (RawHttp.Client client : clients) {
				assertThat(client.closedByProxy()).as("the refused body is not read").isTrue();
			}
		}
		finally {
			clients.forEach(RawHttp.Client::close);
		}
	}

	@Test
	void theMirrorCopyGrowsWithTheBodyReceived() throws Exception {
		RawHttp.Backend main = this.fixture.stalled();
		this.fixture.start(Limits.DEFAULTS, ProxyFixture.allowAll(), null).route(main, this.fixture.stalled());
		long before = usedDirectMemory();
		List<RawHttp.Client> clients = new ArrayList<>();
		try {
			// authorized, each declares 1 MiB and sends 1 KiB of it
			for (int i = 0; i < 64; i++) {
				RawHttp.Client client = this.fixture.client();
				clients.add(client);
				client.send("POST /services/svc/x HTTP/1.1\r\nHost: proxy\r\nContent-Length: 1048576\r\n\r\n"
						+ "y".repeat(1024));
			}
			// every request reached the main version: the proxy has seen all 64
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> main.heads.get() == 64);
			long held = usedDirectMemory() - before;
			assertThat(held).as("direct memory held for 64 bodies of 1 KiB").isLessThan(8L * 1024 * 1024);
		}
		finally {
			clients.forEach(RawHttp.Client::close);
		}
	}

	private boolean servedOnANewConnection() {
		try (RawHttp.Client client = this.fixture.client()) {
			client.timeout(Duration.ofSeconds(2));
			return client.send(GET).read().status() == 200;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private static long usedDirectMemory() {
		return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
	}

}
