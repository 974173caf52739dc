import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live subscriptions under a steady stream of mutations: N WebSockets follow the
 * {@code notifications} subscription while raises arrive at a fixed rate for a while,
 * each raise reaching every subscriber. Prints errors (must be 0), messages delivered
 * against expected, delivery latency, and the manager's heap after a full GC before and
 * after the load (flat: a ratio near 1). Run with {@code bench/sessions}.
 */
public class SessionsBench {

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static final Pattern USED = Pattern.compile("used (\\d+)K");

	public static void main(String[] args) throws Exception {
		Path root = Path.of(arg(args, "--root", "."));
		int subscriptions = Integer.parseInt(arg(args, "--subscriptions", "200"));
		int rate = Integer.parseInt(arg(args, "--rate", "50"));
		int seconds = Integer.parseInt(arg(args, "--seconds", "60"));
		List<String> javaOpts = List.of(arg(args, "--java-opts", "").split(" "));
		Path jar = root.resolve("backend/target/daeploy-manager.jar");
		Path data = Files.createTempDirectory("daeploy-sessions-bench-");
		int port = freePort();
		String password = "bench-" + Long.toHexString(System.nanoTime());
		List<String> command = new ArrayList<>(List.of("java"));
		javaOpts.stream().filter((opt) -> !opt.isBlank()).forEach(command::add);
		command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--daeploy.proxy.http-port=0",
				"--daeploy.proxy.dashboard-port=0", "--daeploy.proxy.address=127.0.0.1", "--daeploy.data-dir=" + data,
				"--daeploy.instance=bench-" + Long.toHexString(System.nanoTime() & 0xffffff),
				"--daeploy.admin-password=" + password));
		Process manager = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(data.resolve("manager.log").toFile())
			.start();
		try {
			awaitReady(port);
			String token = login(port, password);
			System.out.printf("manager pid %d on 127.0.0.1:%d; %d subscriptions, %d raises/s for %d s%n",
					manager.pid(), port, subscriptions, rate, seconds);
			long heapBefore = heapAfterGc(manager.pid());

			AtomicLong received = new AtomicLong();
			AtomicLong errors = new AtomicLong();
			List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
			ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
			List<WebSocket> sockets = new ArrayList<>();
			CountDownLatch acked = new CountDownLatch(subscriptions);
			AtomicLong live = new AtomicLong();
			for (int i = 0; i < subscriptions; i++) {
				sockets.add(subscribe(port, token, acked, live, received, errors, latencies, sentAt));
			}
			if (!acked.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Only " + (subscriptions - acked.getCount()) + " sockets acked");
			}
			// graphql-transport-ws does not acknowledge a subscribe: warm-up raises until
			// every socket has had one, so that no subscriber is counted before it is live
			long warmUpDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (live.get() < subscriptions) {
				if (System.nanoTime() > warmUpDeadline) {
					throw new IllegalStateException("Only " + live.get() + " subscriptions live after 60 s");
				}
				String body = "{\"query\":\"mutation { raiseNotification(input: {serviceName: \\\"bench\\\", "
						+ "message: \\\"warm-up\\\"}) { notification { id } } }\"}";
				HTTP.send(graphql(port, token, body), HttpResponse.BodyHandlers.ofString());
				Thread.sleep(500);
			}
			Thread.sleep(1000);
			ScheduledExecutorService raiser = Executors.newScheduledThreadPool(4);
			AtomicLong raised = new AtomicLong();
			AtomicLong raiseErrors = new AtomicLong();
			java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();
			long periodMicros = 1_000_000L / rate;
			raiser.scheduleAtFixedRate(() -> {
				long n = raised.incrementAndGet();
				String message = "bench " + n;
				sentAt.put(message, System.nanoTime());
				String body = "{\"query\":\"mutation($m: String!) { raiseNotification(input: {serviceName: \\\"bench\\\", "
						+ "message: $m}) { notification { id } } }\",\"variables\":{\"m\":\"" + message + "\"}}";
				HTTP.sendAsync(graphql(port, token, body), HttpResponse.BodyHandlers.ofString())
					.thenAccept((answer) -> {
						if (answer.statusCode() != 200 || answer.body().contains("\"errors\"")) {
							raiseErrors.incrementAndGet();
							firstError.compareAndSet(null, answer.statusCode() + " " + answer.body());
						}
					})
					.exceptionally((ex) -> {
						raiseErrors.incrementAndGet();
						firstError.compareAndSet(null, ex.toString());
						return null;
					});
			}, 0, periodMicros, TimeUnit.MICROSECONDS);
			Thread.sleep(seconds * 1000L);
			raiser.shutdown();
			raiser.awaitTermination(10, TimeUnit.SECONDS);
			long expected = raised.get() * subscriptions;
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (received.get() < expected && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			sockets.forEach((socket) -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
			long heapAfter = heapAfterGc(manager.pid());
			List<Long> sorted = new ArrayList<>(latencies);
			Collections.sort(sorted);
			System.out.println();
			System.out.printf("| figure | measured |%n|---|---|%n");
			System.out.printf("| raises sent | %d (errors %d%s) |%n", raised.get(), raiseErrors.get(),
					(firstError.get() != null) ? ", first: " + firstError.get() : "");
			System.out.printf("| subscription messages delivered / expected | %d / %d |%n", received.get(), expected);
			System.out.printf("| subscription errors (error messages, closes) | %d |%n", errors.get());
			System.out.printf("| delivery latency p50 / p99 | %.1f / %.1f ms |%n", percentile(sorted, 0.5),
					percentile(sorted, 0.99));
			System.out.printf("| manager heap after full GC, before / after | %d / %d KiB (ratio %.2f) |%n", heapBefore,
					heapAfter, (double) heapAfter / heapBefore);
			boolean ok = raiseErrors.get() == 0 && errors.get() == 0 && received.get() == expected
					&& heapAfter < heapBefore * 1.5;
			System.out.println(ok ? "verdict: met (zero errors, every message delivered, heap flat)" : "verdict: missed");
		}
		finally {
			manager.destroy();
			if (!manager.waitFor(20, TimeUnit.SECONDS)) {
				manager.destroyForcibly();
			}
		}
	}

	static WebSocket subscribe(int port, String token, CountDownLatch acked, AtomicLong live, AtomicLong received,
			AtomicLong errors, List<Long> latencies, ConcurrentHashMap<String, Long> sentAt) throws Exception {
		WebSocket.Listener listener = new WebSocket.Listener() {

			private final StringBuilder partial = new StringBuilder();

			private boolean ack;

			private boolean seenOne;

			/** The connection_init written: Java's WebSocket takes one send at a time. */
			private final CompletableFuture<WebSocket> initSent = new CompletableFuture<>();

			@Override
			public void onOpen(WebSocket socket) {
				socket.sendText("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + token
						+ "\"}}", true).whenComplete((sent, ex) -> {
							if (ex != null) {
								this.initSent.completeExceptionally(ex);
							}
							else {
								this.initSent.complete(sent);
							}
						});
				socket.request(1);
			}

			@Override
			public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
				this.partial.append(data);
				if (last) {
					String message = this.partial.toString();
					this.partial.setLength(0);
					if (message.contains("connection_ack") && !this.ack) {
						this.ack = true;
						this.initSent
							.thenCompose((sent) -> sent.sendText("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":"
									+ "{\"query\":\"subscription { notifications { message } }\"}}", true))
							.exceptionally((ex) -> {
								System.err.println("could not subscribe: " + ex);
								errors.incrementAndGet();
								return null;
							});
						acked.countDown();
					}
					else if (message.contains("\"next\"")) {
						if (message.contains("errors")) {
							errors.incrementAndGet();
						}
						if (!this.seenOne) {
							this.seenOne = true;
							live.incrementAndGet();
						}
						Matcher matcher = Pattern.compile("bench \\d+").matcher(message);
						if (matcher.find()) {
							received.incrementAndGet();
							Long at = sentAt.get(matcher.group());
							if (at != null) {
								latencies.add(System.nanoTime() - at);
							}
						}
					}
					else if (message.contains("\"error\"") || message.contains("\"complete\"")) {
						errors.incrementAndGet();
					}
				}
				socket.request(1);
				return null;
			}

			@Override
			public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
				if (status != WebSocket.NORMAL_CLOSURE) {
					errors.incrementAndGet();
				}
				return null;
			}

			@Override
			public void onError(WebSocket socket, Throwable error) {
				errors.incrementAndGet();
			}

		};
		WebSocket socket = HTTP.newWebSocketBuilder()
			.subprotocols("graphql-transport-ws")
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/graphql"), listener)
			.get(30, TimeUnit.SECONDS);
		return socket;
	}

	static long heapAfterGc(long pid) throws Exception {
		for (int i = 0; i < 3; i++) {
			run("jcmd", Long.toString(pid), "GC.run");
		}
		long used = 0;
		for (String line : run("jcmd", Long.toString(pid), "GC.heap_info").split("\n")) {
			if (line.contains("generation") || line.contains("garbage-first heap") || line.contains("region")) {
				Matcher matcher = USED.matcher(line);
				if (matcher.find()) {
					used += Long.parseLong(matcher.group(1));
				}
			}
		}
		return used;
	}

	static String run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes());
		process.waitFor(30, TimeUnit.SECONDS);
		return out;
	}

	static HttpRequest graphql(int port, String token, String body) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	static String login(int port, String password) throws Exception {
		String body = "{\"query\":\"mutation { login(input: {username: \\\"admin\\\", password: \\\"" + password
				+ "\\\"}) { token } }\"}";
		HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		Matcher matcher = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(answer.body());
		if (!matcher.find()) {
			throw new IllegalStateException("login failed: " + answer.body());
		}
		return matcher.group(1);
	}

	static void awaitReady(int port) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
						HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("The manager did not start");
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static double percentile(List<Long> sorted, double p) {
		if (sorted.isEmpty()) {
			return Double.NaN;
		}
		return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
	}

	static String arg(String[] args, String name, String fallback) {
		for (int i = 0; i < args.length - 1; i++) {
			if (args[i].equals(name)) {
				return args[i + 1];
			}
		}
		return fallback;
	}

}
