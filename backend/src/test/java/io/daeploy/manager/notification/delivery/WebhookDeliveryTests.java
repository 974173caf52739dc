package io.daeploy.manager.notification.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.notification.Notification.Severity;
import io.daeploy.manager.notification.delivery.DeliveryTestSupport.CapturingNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.notification;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WebhookDelivery} against a JDK HTTP server on the loopback address that answers
 * as each test scripts it.
 */
class WebhookDeliveryTests {

	private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final JsonMapper json = JsonMapper.shared();

	private final CapturingNotifier notifier = new CapturingNotifier();

	private final Queue<Answer> script = new ConcurrentLinkedQueue<>();

	private final List<String> bodies = new CopyOnWriteArrayList<>();

	private final List<String> contentTypes = new CopyOnWriteArrayList<>();

	private final AtomicInteger attempts = new AtomicInteger();

	private ExecutorService executor;

	private HttpServer server;

	private WebhookDelivery delivery;

	@BeforeEach
	void startServer() throws IOException {
		this.executor = Executors.newCachedThreadPool();
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/hook", (exchange) -> {
			try (exchange) {
				this.attempts.incrementAndGet();
				this.contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
				this.bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
				Answer answer = this.script.poll();
				answer = (answer != null) ? answer : new Answer(200, Duration.ZERO);
				if (!answer.delay().isZero()) {
					try {
						Thread.sleep(answer.delay().toMillis());
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
				byte[] body = ("status " + answer.status()).getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(answer.status(), body.length);
				exchange.getResponseBody().write(body);
			}
			catch (IOException ex) {
				// the client gave up on a slow answer
			}
		});
		this.server.start();
	}

	@AfterEach
	void stop() {
		if (this.delivery != null) {
			this.delivery.destroy();
		}
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	@Test
	void postsEveryRaiseAsJson() {
		this.delivery = delivery(url(), 3);

		// the webhook gets every raise, also those whose e-mail is not due
		this.delivery.deliver(notification("Disk <full>", List.of("ops@example.org")), false).block(BLOCK);

		assertThat(this.attempts).hasValue(1);
		assertThat(this.contentTypes).containsExactly("application/json");
		Map<String, Object> body = this.json.readValue(this.bodies.get(0), new TypeReference<>() {
		});
		assertThat(body).containsOnlyKeys("id", "serviceName", "serviceVersion", "message", "severity", "counter",
				"firstRaisedAt", "lastRaisedAt", "dashboard");
		assertThat(body).containsEntry("id", 42)
			.containsEntry("serviceName", "shop")
			.containsEntry("serviceVersion", "1.2.0")
			.containsEntry("message", "Disk <full>")
			.containsEntry("severity", "WARNING")
			.containsEntry("counter", 3)
			.containsEntry("firstRaisedAt", "2026-11-02T10:14:30Z")
			.containsEntry("lastRaisedAt", "2026-11-02T10:15:30Z")
			.containsEntry("dashboard", true);
	}

	@Test
	void retriesServerErrors() {
		this.script.add(new Answer(503, Duration.ZERO));
		this.script.add(new Answer(503, Duration.ZERO));
		this.delivery = delivery(url(), 3);

		this.delivery.deliver(notification("Busy", List.of()), false).block(BLOCK);

		assertThat(this.attempts).hasValue(3);
	}

	@Test
	void givesUpAfterTheRetriesWithoutFailing() {
		for (int i = 0; i < 10; i++) {
			this.script.add(new Answer(500, Duration.ZERO));
		}
		this.delivery = delivery(url(), 2);

		this.delivery.deliver(notification("Broken", List.of()), false).block(BLOCK);

		assertThat(this.attempts).hasValue(3);
	}

	@Test
	void doesNotRetryClientErrors() {
		this.script.add(new Answer(400, Duration.ZERO));
		this.delivery = delivery(url(), 3);

		this.delivery.deliver(notification("Rejected", List.of()), false).block(BLOCK);

		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void aSlowAnswerIsAFailedAttempt() {
		this.script.add(new Answer(200, ATTEMPT_TIMEOUT.multipliedBy(3)));
		this.delivery = delivery(url(), 3);

		this.delivery.deliver(notification("Slow", List.of()), false).block(BLOCK);

		assertThat(this.attempts).hasValue(2);
	}

	@Test
	void retriesDroppedConnectionsAndGivesUp() throws Exception {
		AtomicInteger connections = new AtomicInteger();
		try (ServerSocket dropping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread acceptor = new Thread(() -> {
				while (!dropping.isClosed()) {
					try (Socket socket = dropping.accept(); InputStream in = socket.getInputStream()) {
						connections.incrementAndGet();
						in.read();
					}
					catch (IOException ex) {
						// closed at the end of the test
					}
				}
			});
			acceptor.setDaemon(true);
			acceptor.start();
			this.delivery = delivery("http://127.0.0.1:" + dropping.getLocalPort() + "/hook", 3);

			this.delivery.deliver(notification("Dropped", List.of()), false).block(BLOCK);
		}

		assertThat(connections).hasValue(4);
	}

	@Test
	void givesUpOnAnUnreachableUrlWithoutFailing() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		this.delivery = delivery("http://127.0.0.1:" + closedPort + "/hook", 3);

		this.delivery.deliver(notification("Nobody listens", List.of()), false).block(BLOCK);

		assertThat(this.delivery.enabled()).isTrue();
	}

	@Test
	void aUrlThatIsNotHttpIsReportedAndIgnored() {
		this.delivery = delivery("ftp://127.0.0.1/hook", 3);

		this.delivery.reportBadUrl();
		this.delivery.deliver(notification("Where to?", List.of()), false).block(BLOCK);

		assertThat(this.delivery.enabled()).isFalse();
		assertThat(this.notifier.severities).containsExactly(Severity.WARNING);
		assertThat(this.notifier.messages).singleElement()
			.satisfies((message) -> assertThat(message).contains("ftp://127.0.0.1/hook")
				.contains("DAEPLOY_NOTIFICATION_WEBHOOK_URL"));
	}

	@Test
	void aMalformedUrlIsReported() {
		this.delivery = delivery("http://bad host/hook", 3);

		this.delivery.reportBadUrl();

		assertThat(this.delivery.enabled()).isFalse();
		assertThat(this.notifier.messages).hasSize(1);
	}

	@Test
	void nothingWithoutAUrl() {
		this.delivery = delivery(null, 3);

		this.delivery.reportBadUrl();
		this.delivery.deliver(notification("Quiet", List.of()), false).block(BLOCK);

		assertThat(this.delivery.enabled()).isFalse();
		assertThat(this.notifier.messages).isEmpty();
		assertThat(this.attempts).hasValue(0);
	}

	private String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hook";
	}

	private WebhookDelivery delivery(String url, int retries) {
		return new WebhookDelivery(new DaeployProperties.Webhook(url, ATTEMPT_TIMEOUT, retries, Duration.ofMillis(20)),
				this.json, this.notifier.provider());
	}

	private record Answer(int status, Duration delay) {
	}

}
