// Daeploy build benchmark. Not part of the test suite: run it by hand with `bench/builds` (see
// bench/README.md, "builds"). Single-file Java 17 program, JDK only (java.net.http), no
// dependencies:
//   java bench/BuildBench.java --root . [--rounds N] [--marks M] [--jar JAR] [--quick]
// Measures, against a real Docker engine and in one run:
//   B1  build and deploy of a small Python source folder through the manager (upload the .tar.gz,
//       deployService with a health check, until the version answers HTTP 200 on the proxy)
//       against `docker build` of an equivalent Dockerfile from the same base plus `docker run`
//       until the container answers 200; the two sides alternate round by round. Goal: ratio <= 1.2.
//   B2  time from a build log line being printed in the builder (its wall-clock time is in the
//       line) to its arrival on a deploymentEvents subscriber. Goal: p50 <= 50 ms.

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class BuildBench {

	static int rounds = 5;

	static int marks = 100;

	static Path root = Path.of(".");

	static Path jar;

	static final String BASE = "daeploy-test/python:3-trixie";

	static final String RUN = UUID.randomUUID().toString().substring(0, 8);

	static final String INSTANCE = "bench-" + RUN;

	static final String BUILDER = "daeploy-bench/s2i-python:" + RUN;

	static final String PASSWORD = "bench-" + UUID.randomUUID();

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static Process manager;

	static Path work;

	static int port;

	static int proxyPort;

	static String token;

	public static void main(String[] args) throws Exception {
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--root" -> root = Path.of(args[++i]);
				case "--rounds" -> rounds = Integer.parseInt(args[++i]);
				case "--marks" -> marks = Integer.parseInt(args[++i]);
				case "--jar" -> jar = Path.of(args[++i]);
				case "--quick" -> {
					rounds = 2;
					marks = 20;
				}
				default -> throw new IllegalArgumentException("Unknown option " + args[i]);
			}
		}
		if (jar == null) {
			jar = root.resolve("backend/target/daeploy-manager.jar");
		}
		work = Files.createTempDirectory("daeploy-build-bench-");
		Runtime.getRuntime().addShutdownHook(new Thread(BuildBench::cleanUp));
		try {
			run();
		}
		finally {
			cleanUp();
		}
	}

	static void run() throws Exception {
		startManager();
		token = login();
		say("manager up on 127.0.0.1:" + port + " (proxy " + proxyPort + "), instance " + INSTANCE);

		say("warm-up: the manager builds its Python builder (" + BUILDER + " on " + BASE + ") and one service;"
				+ " docker builds one image");
		double[] warm = managerRound(0);
		say(String.format(Locale.ROOT, "  manager warm-up %.0f ms (builder build included, not counted)", warm[0]));
		say(String.format(Locale.ROOT, "  docker warm-up %.0f ms", dockerRound(0)[0]));

		List<Double> managerTimes = new ArrayList<>();
		List<Double> dockerTimes = new ArrayList<>();
		for (int round = 1; round <= rounds; round++) {
			double[] m = managerRound(round);
			double[] d = dockerRound(round);
			managerTimes.add(m[0]);
			dockerTimes.add(d[0]);
			say(String.format(Locale.ROOT,
					"  round %d: manager %.0f ms (upload %.0f, deploy until RUNNING %.0f, HTTP %.0f) | "
							+ "docker %.0f ms (build %.0f, run %.0f, HTTP %.0f)",
					round, m[0], m[1], m[2], m[3], d[0], d[1], d[2], d[3]));
		}

		say("log latency: " + marks + " marks printed by assemble 50 ms apart, received on deploymentEvents");
		List<Double> latencies = latency();

		double managerMedian = median(managerTimes);
		double dockerMedian = median(dockerTimes);
		double ratio = managerMedian / dockerMedian;
		double p50 = percentile(latencies, 50);
		StringBuilder report = new StringBuilder();
		report.append(String.format(Locale.ROOT, "%n%-4s %-52s %12s %-34s %7s  %-9s %s%n", "#", "figure", "measured",
				"baseline", "ratio", "goal", "verdict"));
		report.append(String.format(Locale.ROOT, "%-4s %-52s %9.0f ms %-34s %7.2f  %-9s %s%n", "B1",
				"source -> built, deployed, HTTP 200 (median of " + rounds + ")", managerMedian,
				String.format(Locale.ROOT, "%.0f ms docker build + run", dockerMedian), ratio, "<= 1.2",
				(ratio <= 1.2) ? "MET" : "MISSED"));
		report.append(String.format(Locale.ROOT, "%-4s %-52s %9.1f ms %-34s %7s  %-9s %s%n", "B2",
				"build log line -> deploymentEvents subscriber, p50", p50,
				String.format(Locale.ROOT, "p90 %.1f ms, max %.1f ms, n=%d", percentile(latencies, 90),
						percentile(latencies, 100), latencies.size()),
				"", "<= 50 ms", (p50 <= 50) ? "MET" : "MISSED"));
		report.append(String.format(Locale.ROOT, "%nsamples: manager %s ms; docker %s ms%n", round(managerTimes),
				round(dockerTimes)));
		report.append(String.format(Locale.ROOT, "load average at the end: %s%n",
				Files.readString(Path.of("/proc/loadavg")).trim()));
		System.out.print(report);
		Path results = root.resolve("bench/results");
		Files.createDirectories(results);
		Files.writeString(results.resolve("builds-latest.txt"), report.toString());
	}

	// ---- B1 ----

	/** A small Python service folder; {@code round} makes each round's source differ. */
	static Path source(int round, boolean dockerfile) throws IOException {
		Path dir = work.resolve((dockerfile ? "docker-" : "manager-") + round);
		Files.createDirectories(dir.resolve(".s2i"));
		Files.writeString(dir.resolve("service.py"), """
				import http.server

				class Handler(http.server.BaseHTTPRequestHandler):
				    def do_GET(self):
				        body = b"ok %s\\n"
				        self.send_response(200)
				        self.send_header("Content-Length", str(len(body)))
				        self.end_headers()
				        self.wfile.write(body)

				    def log_message(self, *args):
				        pass

				print("listening on 8000", flush=True)
				http.server.ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
				""".formatted(round));
		Files.writeString(dir.resolve("requirements.txt"), "requests\n");
		Files.writeString(dir.resolve(".s2i/environment"), "APP_FILE=service.py\nPIP_NO_INDEX=1\n");
		if (dockerfile) {
			Files.writeString(dir.resolve("Dockerfile"), """
					FROM %s
					COPY . /opt/app-root/src
					WORKDIR /opt/app-root/src
					ENV PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
					RUN python3 -m pip install --break-system-packages -r requirements.txt
					EXPOSE 8000
					CMD ["python3", "-u", "service.py"]
					""".formatted(BASE));
		}
		return dir;
	}

	/** @return total, upload, deploy until RUNNING, HTTP wait (ms) */
	static double[] managerRound(int round) throws Exception {
		Path dir = source(round, false);
		Path tar = work.resolve("manager-" + round + ".tar.gz");
		exec("tar", "-C", dir.toString(), "-czf", tar.toString(), ".");
		String version = "1.0." + round;
		long t0 = System.nanoTime();
		String uploadId = upload(tar);
		long t1 = System.nanoTime();
		String id = field(graphQl("mutation { deployService(input: { name: \\\"bench\\\", version: \\\"" + version
				+ "\\\", source: { tar: { uploadId: \\\"" + uploadId + "\\\" } }, "
				+ "healthCheck: { path: \\\"/\\\", intervalSeconds: 0.1, timeoutSeconds: 120 } }) { deployment { id } } }"),
				"id");
		String state;
		do {
			Thread.sleep(20);
			state = field(graphQl("{ deployment(id: \\\"" + id + "\\\") { state reason } }"), "state");
		}
		while (!List.of("RUNNING", "FAILED", "CANCELLED").contains(state));
		if (!"RUNNING".equals(state)) {
			throw new IllegalStateException("deployment " + id + " ended " + state + ": "
					+ graphQl("{ deployment(id: \\\"" + id + "\\\") { reason log(tail: 30) { line } } }"));
		}
		long t2 = System.nanoTime();
		awaitOk("http://127.0.0.1:" + proxyPort + "/services/bench_" + version + "/", true);
		long t3 = System.nanoTime();
		graphQl("mutation { killService(input: { name: \\\"bench\\\", version: \\\"" + version
				+ "\\\", removeImage: true }) { name } }");
		return new double[] { ms(t3 - t0), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2) };
	}

	/** @return total, build, run, HTTP wait (ms) */
	static double[] dockerRound(int round) throws Exception {
		Path dir = source(round, true);
		String image = "daeploy-bench/docker-" + RUN + ":" + round;
		String container = "daeploy-bench-" + RUN + "-" + round;
		long t0 = System.nanoTime();
		exec("docker", "build", "-q", "--label", "daeploy.test=bench", "-t", image, dir.toString());
		long t1 = System.nanoTime();
		exec("docker", "run", "-d", "--name", container, "--label", "daeploy.test=bench", "-p", "127.0.0.1::8000",
				image);
		String address = exec("docker", "port", container, "8000/tcp").lines().findFirst().orElseThrow().trim();
		long t2 = System.nanoTime();
		awaitOk("http://" + address + "/", false);
		long t3 = System.nanoTime();
		exec("docker", "rm", "-f", container);
		exec("docker", "rmi", "-f", image);
		return new double[] { ms(t3 - t0), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2) };
	}

	static void awaitOk(String url, boolean auth) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (System.nanoTime() < deadline) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
			if (auth) {
				request.header("Authorization", "Bearer " + token);
			}
			try {
				if (HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not up yet
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException(url + " did not answer 200");
	}

	// ---- B2 ----

	static List<Double> latency() throws Exception {
		Path dir = source(1000, false);
		Files.createDirectories(dir.resolve(".s2i/bin"));
		Files.writeString(dir.resolve(".s2i/bin/assemble"), """
				#!/bin/sh
				python3 - <<'PY'
				import time
				time.sleep(3)
				for i in range(%d):
				    print("mark %%d %%d" %% (i, time.time_ns()), flush=True)
				    time.sleep(0.05)
				PY
				exec "$STI_SCRIPTS_PATH/assemble"
				""".formatted(marks));
		dir.resolve(".s2i/bin/assemble").toFile().setExecutable(true);
		Path tar = work.resolve("latency.tar.gz");
		exec("tar", "-C", dir.toString(), "-czf", tar.toString(), ".");
		String uploadId = upload(tar);
		String id = field(graphQl("mutation { deployService(input: { name: \\\"bench\\\", version: \\\"9.9.9\\\", "
				+ "source: { tar: { uploadId: \\\"" + uploadId + "\\\" } } }) { deployment { id } } }"), "id");
		List<Double> latencies = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		Pattern mark = Pattern.compile("mark (\\d+) (\\d+)");
		WebSocket socket = HTTP.newWebSocketBuilder()
			.subprotocols("graphql-transport-ws")
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/graphql"), new WebSocket.Listener() {

				final StringBuilder text = new StringBuilder();

				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					Instant now = Instant.now();
					this.text.append(data);
					if (last) {
						String message = this.text.toString();
						this.text.setLength(0);
						if (message.contains("connection_ack")) {
							webSocket.sendText("{\"id\":\"e\",\"type\":\"subscribe\",\"payload\":{\"query\":"
									+ "\"subscription { deploymentEvents(id: \\\"" + id + "\\\") { state line { line } } }\"}}",
									true);
						}
						Matcher matcher = mark.matcher(message);
						if (matcher.find()) {
							long printed = Long.parseLong(matcher.group(2));
							long received = now.getEpochSecond() * 1_000_000_000L + now.getNano();
							latencies.add((received - printed) / 1e6);
						}
						if (message.contains("\"complete\"") || message.contains("\"RUNNING\"")
								|| message.contains("\"FAILED\"")) {
							done.countDown();
						}
					}
					webSocket.request(1);
					return null;
				}

			})
			.get(10, TimeUnit.SECONDS);
		socket.sendText("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + token + "\"}}", true);
		if (!done.await(5, TimeUnit.MINUTES)) {
			throw new IllegalStateException("the latency deployment did not end");
		}
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
		graphQl("mutation { killService(input: { name: \\\"bench\\\", version: \\\"9.9.9\\\", removeImage: true }) { name } }");
		if (latencies.size() < marks) {
			say("  warning: received " + latencies.size() + " of " + marks + " marks");
		}
		return latencies;
	}

	// ---- the manager ----

	static void startManager() throws Exception {
		port = freePort();
		proxyPort = freePort();
		Path copy = work.resolve("daeploy-manager.jar");
		Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
		List<String> command = List.of("java", "-jar", copy.toString(), "--server.port=" + port,
				"--daeploy.proxy.http-port=" + proxyPort, "--daeploy.proxy.address=127.0.0.1",
				"--daeploy.data-dir=" + work.resolve("data"), "--daeploy.instance=" + INSTANCE,
				"--daeploy.admin-password=" + PASSWORD, "--daeploy.s2i.builder=" + BUILDER,
				"--daeploy.s2i.python-base=" + BASE);
		manager = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(work.resolve("manager.log").toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
		while (System.nanoTime() < deadline) {
			if (!manager.isAlive()) {
				throw new IllegalStateException("the manager exited; see " + work.resolve("manager.log"));
			}
			try {
				if (post("/graphql", "{\"query\":\"{ manager { version } }\"}", null).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// starting
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("the manager did not answer in time");
	}

	static String login() throws Exception {
		String answer = post("/graphql", "{\"query\":\"mutation { login(input: { username: \\\"admin\\\", password: \\\""
				+ PASSWORD + "\\\" }) { token } }\"}", null).body();
		return field(answer, "token");
	}

	static String graphQl(String query) throws Exception {
		HttpResponse<String> answer = post("/graphql", "{\"query\":\"" + query + "\"}", token);
		if (answer.statusCode() != 200 || answer.body().contains("\"errors\"")) {
			throw new IllegalStateException("GraphQL failed: " + answer.body());
		}
		return answer.body();
	}

	static HttpResponse<String> post(String path, String json, String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static String upload(Path file) throws Exception {
		String boundary = "bench" + UUID.randomUUID();
		byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"src.tar.gz\"\r\n"
				+ "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
		byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
		byte[] content = Files.readAllBytes(file);
		byte[] body = new byte[head.length + content.length + tail.length];
		System.arraycopy(head, 0, body, 0, head.length);
		System.arraycopy(content, 0, body, head.length, content.length);
		System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
		HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/uploads"))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("upload failed: " + answer.statusCode() + " " + answer.body());
		}
		return field(answer.body(), "id");
	}

	static void cleanUp() {
		if (manager != null && manager.isAlive()) {
			manager.destroy();
			try {
				if (!manager.waitFor(30, TimeUnit.SECONDS)) {
					manager.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		manager = null;
		try {
			for (String id : exec("docker", "ps", "-aq", "--filter", "label=daeploy.instance=" + INSTANCE).split("\\s+")) {
				if (!id.isBlank()) {
					exec("docker", "rm", "-f", id);
				}
			}
			for (String id : exec("docker", "ps", "-aq", "--filter", "name=daeploy-bench-" + RUN).split("\\s+")) {
				if (!id.isBlank()) {
					exec("docker", "rm", "-f", id);
				}
			}
			for (String id : exec("docker", "images", "-q", "--filter", "label=daeploy.instance=" + INSTANCE).split("\\s+")) {
				if (!id.isBlank()) {
					exec("docker", "rmi", "-f", id);
				}
			}
			exec("docker", "rmi", "-f", BUILDER);
		}
		catch (Exception ex) {
			System.err.println("cleanup: " + ex.getMessage());
		}
	}

	// ---- helpers ----

	static String exec(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.waitFor() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
		}
		return output;
	}

	static String field(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
		if (!matcher.find()) {
			throw new IllegalStateException("no " + name + " in " + json);
		}
		return matcher.group(1);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static double ms(long nanos) {
		return nanos / 1e6;
	}

	static double median(List<Double> values) {
		return percentile(values, 50);
	}

	static double percentile(List<Double> values, int percent) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

	static String round(List<Double> values) {
		return values.stream().map((v) -> String.format(Locale.ROOT, "%.0f", v)).toList().toString();
	}

	static void say(String line) {
		System.out.println(line);
	}

	static CompletableFuture<Void> unused() {
		return CompletableFuture.completedFuture(null);
	}

}
