// Daeploy log stream benchmark. Not part of the test suite: run it by hand with `bench/logs`
// (see bench/README.md, "logs"). Single-file Java 17 program, JDK only (java.net.http.HttpClient
// and java.net.http.WebSocket), no dependencies:
//   java bench/LogBench.java --root . [--quick] [--lines N] [--rounds R] [--marks M] ...
// Measures, against a real Docker engine and in one run, the `serviceLogBatches` subscription (or `serviceLogs`)
// (graphql-transport-ws) against `docker logs -f` of the same container: throughput of a burst
// of numbered lines, lost / duplicated / reordered lines, and the latency of a slow writer.

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class LogBench {

	// ---- settings (flags override them; --quick shrinks them for a smoke run) ----

	static int lines = 200_000; // lines per throughput burst

	static int rounds = 3; // measured rounds per side (throughput and history)

	static int warmup = 1; // uncounted rounds per side before the first measured one

	static int historyTail = 10_000; // the most lines a subscription may start with (LogService.MAX_TAIL)

	static int marks = 100; // latency: marks written by the slow writer

	static int markMs = 100; // latency: interval between two marks

	static String fields = "timestamp stream line"; // what the subscription selects

	// the batched stream the dashboard and CLI follow; --subscription serviceLogs measures one
	// line per message
	static String subscription = "serviceLogBatches";

	static boolean quick;

	static final String IMAGE = "daeploy-test/busybox:1";

	static final String VERSION = "1.0.0";

	static final String TEST_LABEL = "test.daeploy";

	static final String TEST_VALUE = "bench";

	static final double GOAL_RATIO = 0.9;

	static final double GOAL_P50_MS = 50;

	// ---- run state ----

	static Path root;

	static Path jar;

	static Path runJar;

	static Path resultsDir;

	static Path work;

	static Path engineSock = Path.of("/var/run/docker.sock");

	static List<String> javaOpts;

	static String javaOptsSource;

	static String runId;

	static String instance;

	static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	static final String adminPassword = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
			+ Long.toHexString(ThreadLocalRandom.current().nextLong());

	static Process manager;

	static int managerPort;

	static Path managerLog;

	static String token;

	static Ws ws;

	static final Set<Process> children = ConcurrentHashMap.newKeySet();

	static final AtomicBoolean cleaned = new AtomicBoolean();

	static final StringBuilder out = new StringBuilder();

	static final StringBuilder details = new StringBuilder();

	static final List<String[]> rows = new ArrayList<>();

	static final List<String> loads = new ArrayList<>();

	static final long benchStart = System.nanoTime();

	static long dockerdPid = -1;

	public static void main(String[] args) throws Exception {
		parseArgs(args);
		runId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36);
		instance = "bench-" + runId;
		resultsDir = Files.createDirectories(root.resolve("bench/results"));
		work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dlogbench-");
		String dockerHost = System.getenv("DOCKER_HOST");
		if (dockerHost != null && dockerHost.startsWith("unix://")) {
			engineSock = Path.of(dockerHost.substring("unix://".length()));
		}
		Runtime.getRuntime().addShutdownHook(new Thread(LogBench::cleanup, "logbench-cleanup"));
		Throwable failure = null;
		try {
			run();
		}
		catch (Throwable ex) {
			failure = ex;
			System.err.println();
			System.err.println("LOG BENCH FAILED: " + ex);
			ex.printStackTrace();
			if (manager != null) {
				System.err.println(managerTail());
			}
		}
		finally {
			cleanup();
		}
		report(failure);
		System.exit((failure != null) ? 1 : 0);
	}

	static void parseArgs(String[] args) {
		root = Path.of(".").toAbsolutePath().normalize();
		String jarArg = null;
		String javaOptsArg = System.getenv("BENCH_JAVA_OPTS");
		for (int i = 0; i < args.length; i++) {
			String a = args[i];
			switch (a) {
				case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
				case "--jar" -> jarArg = args[++i];
				case "--java-opts" -> javaOptsArg = args[++i];
				case "--lines" -> lines = Integer.parseInt(args[++i]);
				case "--rounds" -> rounds = Integer.parseInt(args[++i]);
				case "--warmup" -> warmup = Integer.parseInt(args[++i]);
				case "--marks" -> marks = Integer.parseInt(args[++i]);
				case "--mark-ms" -> markMs = Integer.parseInt(args[++i]);
				case "--history-tail" -> historyTail = Integer.parseInt(args[++i]);
				case "--fields" -> fields = args[++i];
				case "--subscription" -> subscription = args[++i];
				case "--quick" -> {
					quick = true;
					lines = 20_000;
					rounds = 1;
					warmup = 0;
					historyTail = 5_000;
					marks = 20;
				}
				case "-h", "--help" -> {
					System.out.println("usage: java bench/LogBench.java [--root DIR] [--jar JAR] [--java-opts OPTS]\n"
							+ "       [--lines N] [--rounds R] [--warmup W] [--marks M] [--mark-ms MS]\n"
							+ "       [--history-tail T] [--fields \"timestamp stream line\"]\n"
							+ "       [--subscription serviceLogBatches|serviceLogs] [--quick]");
					System.exit(0);
				}
				default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
			}
		}
		if (lines < 2 || rounds < 1 || marks < 1) {
			throw new IllegalArgumentException("--lines must be >= 2, --rounds and --marks >= 1");
		}
		historyTail = Math.min(historyTail, lines);
		jar = (jarArg != null) ? Path.of(jarArg).toAbsolutePath() : root.resolve("backend/target/daeploy-manager.jar");
		if (javaOptsArg != null) {
			javaOpts = split(javaOptsArg);
			javaOptsSource = "overridden (--java-opts / BENCH_JAVA_OPTS)";
		}
		else {
			javaOpts = shippedJavaOpts(root.resolve("bin/daeploy-manager"));
			javaOptsSource = "default of bin/daeploy-manager";
		}
	}

	static List<String> shippedJavaOpts(Path script) {
		try {
			Matcher m = Pattern.compile("\\$\\{JAVA_OPTS:?=([^}]*)\\}").matcher(Files.readString(script));
			if (!m.find()) {
				throw new IllegalStateException("no ${JAVA_OPTS:=...} default in " + script);
			}
			return split(m.group(1));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + script, ex);
		}
	}

	static List<String> split(String s) {
		return Arrays.stream(s.trim().split("\\s+")).filter((t) -> !t.isEmpty()).toList();
	}

	// =====================================================================================
	// The service under test: busybox httpd with three CGI scripts that write to the log
	// of PID 1 (httpd), i.e. the container's stdout that Docker records
	// =====================================================================================

	/** Writes N numbered lines into /tmp/lines with an ash loop: the shell's own rate. */
	static final String CGI_GEN = """
			#!/bin/sh
			n=${QUERY_STRING:-0}
			i=0
			while [ $i -lt $n ]; do echo "line $i"; i=$((i+1)); done > /tmp/lines
			printf 'Content-Type: text/plain\\r\\n\\r\\n'
			echo "generated $n"
			""";

	/** One line in the container log; the harness times the request. */
	static final String CGI_MARK = """
			#!/bin/sh
			echo "mark $QUERY_STRING" > /proc/1/fd/1
			printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'
			""";

	/** The burst: the pre-written lines as fast as Docker takes them. */
	static final String CGI_BURST = """
			#!/bin/sh
			cat /tmp/lines > /proc/1/fd/1
			printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'
			""";

	static final String SETUP = "for s in gen mark burst; do eval \"printf '%s' \\\"\\$CGI_$s\\\"\" "
			+ "> /www/cgi-bin/$s; busybox chmod +x /www/cgi-bin/$s; done; exec httpd -f -p 8000 -h /www";

	static String service;

	static String container;

	static String address;

	// =====================================================================================
	// The run
	// =====================================================================================

	static void run() throws Exception {
		preflight();

		section("start the manager");
		startManager();
		say("  manager pid " + manager.pid() + " on 127.0.0.1:" + managerPort + "; log " + root.relativize(managerLog));

		section("deploy the writer");
		service = "logbench_" + runId;
		// the manager names a container of an instance other than the default after it
		container = "daeploy-" + instance + "-" + service + "-" + VERSION;
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("name", service);
		input.put("version", VERSION);
		input.put("image", IMAGE);
		input.put("port", 8000);
		input.put("command", List.of("sh", "-c", SETUP));
		input.put("env", List.of(Map.of("name", "CGI_gen", "value", CGI_GEN), Map.of("name", "CGI_mark", "value", CGI_MARK),
				Map.of("name", "CGI_burst", "value", CGI_BURST)));
		input.put("labels", List.of(Map.of("key", TEST_LABEL, "value", TEST_VALUE)));
		gql("mutation($input: DeployServiceInput!) { deployService(input: $input) { service { name version state } } }",
				Map.of("input", input));
		Object addr = at(gql("query($name: String!, $version: String!) { service(name: $name, version: $version) "
				+ "{ inspection { publishedAddress } } }", Map.of("name", service, "version", VERSION)), "service",
				"inspection", "publishedAddress");
		if (!(addr instanceof String a)) {
			throw new IllegalStateException("no publishedAddress for " + service);
		}
		address = a;
		awaitHttp200("http://" + address + "/");
		say("  container " + container + " (labels " + TEST_LABEL + "=" + TEST_VALUE + ", daeploy.instance=" + instance
				+ "), httpd at " + address);

		long g0 = System.nanoTime();
		String generated = httpGet("/cgi-bin/gen?" + lines, Duration.ofSeconds(600));
		double genS = secondsSince(g0);
		if (!generated.contains("generated " + lines)) {
			throw new IllegalStateException("gen answered " + generated);
		}
		double ashRate = lines / genS;
		say(String.format(Locale.ROOT, "  ash loop wrote %d lines into /tmp/lines in %.2f s: %.0f lines/s "
				+ "(the shell's own rate; the bursts below `cat` that file instead)", lines, genS, ashRate));

		ws = Ws.connect(URI.create("ws://127.0.0.1:" + managerPort + "/graphql"), token);
		say("  WebSocket connected (graphql-transport-ws), connection_ack received");

		// ---- 1. throughput, live: both readers attached before the burst is written ----
		section(String.format(Locale.ROOT, "1. throughput: bursts of %d lines, readers attached first (tail 0, follow); "
				+ "%d warm-up + %d measured rounds per side, sides alternating", lines, warmup, rounds));
		List<Result> live = new ArrayList<>();
		for (int r = 0; r < warmup + rounds; r++) {
			boolean counted = r >= warmup;
			for (Side side : order(r)) {
				Result res = liveRound(side, "r" + r + side.tag);
				res.counted = counted;
				live.add(res);
				say("  " + (counted ? "round " + (r - warmup + 1) : "warm-up") + "  " + res);
			}
		}

		// ---- 2. throughput, history: both read the same already-written lines ----
		section(String.format(Locale.ROOT, "2. history: the last %d lines already written (tail %d, follow), "
				+ "%d measured rounds per side", historyTail, historyTail, rounds));
		List<Result> history = new ArrayList<>();
		for (int r = 0; r < rounds; r++) {
			for (Side side : order(r)) {
				Result res = historyRound(side, "h" + r + side.tag);
				res.counted = true;
				history.add(res);
				say("  round " + (r + 1) + "  " + res);
			}
		}

		// ---- 3. latency of a slow writer ----
		section(String.format(Locale.ROOT, "3. latency: %d marks, one every %d ms, both readers attached at once", marks,
				markMs));
		Latency lat = latency();

		addRows(live, history, lat, ashRate);
		say(String.format(Locale.ROOT, "%ntotal bench time %.0f s", secondsSince(benchStart)));
	}

	enum Side {

		SUB("subscription", "s"), DOCKER("docker logs -f", "d");

		final String label;

		final String tag;

		Side(String label, String tag) {
			this.label = label;
			this.tag = tag;
		}

	}

	static List<Side> order(int round) {
		return (round % 2 == 0) ? List.of(Side.SUB, Side.DOCKER) : List.of(Side.DOCKER, Side.SUB);
	}

	static void preflight() throws Exception {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("no manager jar at " + jar + " (build it: mvn -B -q -DskipTests package)");
		}
		if (!Files.exists(engineSock)) {
			throw new IllegalStateException("no Docker engine socket at " + engineSock);
		}
		docker("image", "inspect", "--format", "{{.Id}}", IMAGE);
		runJar = work.resolve("daeploy-manager.jar");
		Files.copy(jar, runJar, StandardCopyOption.COPY_ATTRIBUTES);
		dockerdPid = findDockerd();
		say("Daeploy log stream benchmark, run " + runId + (quick ? " (QUICK: smaller counts, not comparable)" : ""));
		say("  jar        " + jar + " (modified "
				+ Files.getLastModifiedTime(jar).toInstant().atOffset(ZoneOffset.UTC) + "; run from a copy), git "
				+ gitRevision());
		say("  JAVA_OPTS  " + String.join(" ", javaOpts) + "  [" + javaOptsSource + "]");
		say("  engine     docker " + docker("version", "--format", "{{.Server.Version}}").trim() + " at " + engineSock
				+ ((dockerdPid > 0) ? " (dockerd pid " + dockerdPid + ", its CPU is read from /proc)" : ""));
		say("  machine    " + Runtime.getRuntime().availableProcessors() + " cores, load average " + loadavg());
		say("  settings   lines " + lines + ", rounds " + rounds + " (+" + warmup + " warm-up), history tail "
				+ historyTail + ", marks " + marks + " every " + markMs + " ms, subscription " + subscription
				+ " selects { " + fields + " }");
	}

	// ---- the rounds ----

	static final class Result {

		Side side;

		String tag;

		boolean counted;

		int expected;

		double readerRate; // lines/s from the first line to the last expected one

		double readerSeconds;

		double writerRate = Double.NaN; // lines/s of the burst request (live rounds)

		long received, lost, duplicated, outOfOrder, foreign;

		double managerCpuMs = Double.NaN, harnessCpuMs, dockerdCpuMs = Double.NaN, cliCpuMs = Double.NaN;

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%-14s %8.0f lines/s (%d lines in %.3f s)%s  lost %d dup %d out-of-order %d unexpected %d | cpu ms: %s harness %.0f%s",
					this.side.label, this.readerRate, this.expected, this.readerSeconds,
					Double.isNaN(this.writerRate) ? "" : String.format(Locale.ROOT, "  writer %.0f lines/s", this.writerRate),
					this.lost, this.duplicated, this.outOfOrder, this.foreign,
					(this.side == Side.SUB) ? String.format(Locale.ROOT, "manager %.0f", this.managerCpuMs)
							: String.format(Locale.ROOT, "docker-cli %.0f", this.cliCpuMs),
					this.harnessCpuMs,
					Double.isNaN(this.dockerdCpuMs) ? "" : String.format(Locale.ROOT, " dockerd %.0f", this.dockerdCpuMs));
		}

	}

	/** One round with readers attached before the burst is written. */
	static Result liveRound(Side side, String tag) throws Exception {
		Tracker t = new Tracker(0, lines - 1, "ready-" + tag);
		Reader reader = open(side, 0, t, tag);
		try {
			attach(t, tag);
			Cpu c0 = Cpu.now(reader);
			long w0 = System.nanoTime();
			CompletableFuture<Double> writer = CompletableFuture.supplyAsync(() -> {
				try {
					httpGet("/cgi-bin/burst?" + tag, Duration.ofSeconds(600));
					return secondsSince(w0);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			t.awaitDone(Duration.ofSeconds(10), side.label);
			Cpu c1 = Cpu.now(reader);
			Result res = t.result(side, tag);
			res.writerRate = lines / writer.get(120, TimeUnit.SECONDS);
			c0.into(res, c1);
			return res;
		}
		finally {
			reader.close();
		}
	}

	/** One round reading the last historyTail lines, already in the log, from the start. */
	static Result historyRound(Side side, String tag) throws Exception {
		Tracker t = new Tracker(lines - historyTail, lines - 1, null);
		Cpu c0 = Cpu.now(null);
		Reader reader = open(side, historyTail, t, tag);
		try {
			t.awaitDone(Duration.ofSeconds(10), side.label);
			Cpu c1 = Cpu.now(reader);
			Result res = t.result(side, tag);
			c0.into(res, c1);
			return res;
		}
		finally {
			reader.close();
		}
	}

	/** Writes ready marks until the reader has seen one: it is then attached to the stream. */
	static void attach(Tracker t, String tag) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		for (int k = 0; System.nanoTime() < deadline; k++) {
			httpGet("/cgi-bin/mark?ready-" + tag + "-" + k, Duration.ofSeconds(10));
			if (t.ready.await(300, TimeUnit.MILLISECONDS)) {
				return;
			}
		}
		throw new IllegalStateException("reader " + tag + " saw none of its ready marks within 30 s");
	}

	static Reader open(Side side, int tail, Tracker t, String tag) throws Exception {
		return (side == Side.SUB) ? ws.subscribe(tag, tail, t) : DockerLogs.start(tail, t);
	}

	interface Reader extends AutoCloseable {

		/** The reading process when it is not the manager (docker CLI), else -1. */
		long pid();

		@Override
		void close() throws Exception;

	}

	/**
	 * Counts the numbered lines {@code from..to} a reader receives (in order, exactly once),
	 * and the receipt time of every {@code mark} line.
	 */
	static final class Tracker {

		final int from;

		final int to;

		final String readyPrefix;

		final BitSet seen = new BitSet();

		final CountDownLatch ready = new CountDownLatch(1);

		final CountDownLatch done = new CountDownLatch(1);

		final Map<String, Long> marks = new ConcurrentHashMap<>();

		volatile long firstNs = -1;

		volatile long lastNs = -1;

		long lastInRangeNs = -1;

		String incomplete; // why the last line never came, when it did not

		volatile long lastProgressNs = System.nanoTime();

		long received, duplicated, outOfOrder, foreign, lostAtEnd = -1;

		final List<String> foreignSamples = new ArrayList<>();

		int previous;

		volatile String ended; // complete or error of the stream

		Tracker(int from, int to, String readyPrefix) {
			this.from = from;
			this.to = to;
			this.readyPrefix = readyPrefix;
			this.previous = from - 1;
		}

		synchronized void accept(String text, long ns) {
			this.lastProgressNs = ns;
			if (text.startsWith("line ")) {
				int k;
				try {
					k = Integer.parseInt(text, 5, text.length(), 10);
				}
				catch (NumberFormatException ex) {
					foreign(text);
					return;
				}
				if (k < this.from || k > this.to) {
					foreign(text);
					return;
				}
				if (this.firstNs < 0) {
					this.firstNs = ns;
				}
				this.received++;
				if (this.seen.get(k - this.from)) {
					this.duplicated++;
				}
				else {
					this.seen.set(k - this.from);
				}
				if (k != this.previous + 1) {
					this.outOfOrder++;
				}
				this.previous = k;
				this.lastInRangeNs = ns;
				if (k == this.to && this.lastNs < 0) {
					this.lastNs = ns;
					this.lostAtEnd = (this.to - this.from + 1) - this.seen.cardinality();
					this.done.countDown();
				}
			}
			else if (text.startsWith("mark ")) {
				String m = text.substring(5);
				this.marks.putIfAbsent(m, ns);
				if (this.readyPrefix != null && m.startsWith(this.readyPrefix)) {
					this.ready.countDown();
				}
			}
			else {
				foreign(text);
			}
		}

		/** A line that is neither a numbered line of this burst nor a mark: kept for the report. */
		private void foreign(String text) {
			this.foreign++;
			if (this.foreignSamples.size() < 8) {
				this.foreignSamples.add(text);
			}
		}

		void end(String how) {
			this.ended = how;
			this.done.countDown();
			this.ready.countDown();
		}

		/** Waits for the last line; fails when nothing arrived for {@code stall}. */
		void awaitDone(Duration stall, String who) throws InterruptedException {
			while (!this.done.await(200, TimeUnit.MILLISECONDS)) {
				if (System.nanoTime() - this.lastProgressNs > stall.toNanos()) {
					break;
				}
			}
			synchronized (this) {
				if (this.lastNs >= 0) {
					return;
				}
				String why = String.format(Locale.ROOT, "%s: line %d never arrived (%d of %d lines received, last was %d%s)",
						who, this.to, this.received, this.to - this.from + 1, this.previous,
						(this.ended != null) ? ", stream ended: " + this.ended : ", nothing for " + stall.toSeconds() + " s");
				if (this.received < 2) {
					throw new IllegalStateException(why);
				}
				// the last line itself was lost: count up to the last one that came
				this.incomplete = why;
				this.lastNs = this.lastInRangeNs;
				this.lostAtEnd = (this.to - this.from + 1) - this.seen.cardinality();
				details.append("INCOMPLETE ").append(why).append('\n');
			}
		}

		synchronized Result result(Side side, String tag) {
			Result r = new Result();
			r.side = side;
			r.tag = tag;
			r.expected = this.to - this.from + 1;
			r.readerSeconds = (this.lastNs - this.firstNs) / 1e9;
			r.readerRate = (r.expected - 1) / r.readerSeconds; // a lost last line: slightly high, noted
			r.received = this.received;
			r.lost = this.lostAtEnd;
			r.duplicated = this.duplicated;
			r.outOfOrder = this.outOfOrder;
			r.foreign = this.foreign;
			if (!this.foreignSamples.isEmpty()) {
				details.append(String.format(Locale.ROOT, "%s %s: %d unexpected line(s), e.g. %s%n", tag, side.label,
						this.foreign, this.foreignSamples.stream().map((l) -> "\"" + l + "\"").toList()));
			}
			return r;
		}

	}

	/** CPU ticks (10 ms) of the manager, this harness, dockerd and the docker CLI reader. */
	record Cpu(long manager, long harness, long dockerd, long cli) {

		static Cpu now(Reader reader) {
			return new Cpu(ticks(LogBench.manager.pid()), ticks(ProcessHandle.current().pid()), ticks(dockerdPid),
					(reader != null && reader.pid() > 0) ? ticks(reader.pid()) : 0);
		}

		void into(Result r, Cpu end) {
			if (r.side == Side.SUB) {
				r.managerCpuMs = (end.manager - this.manager) * 10.0;
			}
			else {
				r.cliCpuMs = (end.cli - this.cli) * 10.0;
			}
			r.harnessCpuMs = (end.harness - this.harness) * 10.0;
			if (dockerdPid > 0) {
				r.dockerdCpuMs = (end.dockerd - this.dockerd) * 10.0;
			}
		}

	}

	static long ticks(long pid) {
		if (pid <= 0) {
			return 0;
		}
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
			return Long.parseLong(f[11]) + Long.parseLong(f[12]);
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	static long findDockerd() {
		try (var procs = Files.list(Path.of("/proc"))) {
			for (Path p : (Iterable<Path>) procs::iterator) {
				String name = p.getFileName().toString();
				if (!name.chars().allMatch(Character::isDigit)) {
					continue;
				}
				try {
					if (Files.readString(p.resolve("comm")).trim().equals("dockerd")) {
						return Long.parseLong(name);
					}
				}
				catch (IOException ex) {
					// gone or not ours to read
				}
			}
		}
		catch (IOException ex) {
			// no /proc
		}
		return -1;
	}

	// ---- the docker CLI reader (the baseline) ----

	static final class DockerLogs implements Reader {

		final Process process;

		final Thread thread;

		DockerLogs(Process process, Thread thread) {
			this.process = process;
			this.thread = thread;
		}

		static DockerLogs start(int tail, Tracker t) throws IOException {
			Process p = new ProcessBuilder("docker", "logs", "--follow", "--tail", Integer.toString(tail), container)
				.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
				// what docker logs says on stderr goes beside the manager's log, for a reader
				// that ends early
				.redirectError(ProcessBuilder.Redirect
					.appendTo(Files.createDirectories(resultsDir.resolve("logs")).resolve("docker-logs.err").toFile()))
				.start();
			children.add(p);
			Thread reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8),
						1 << 16)) {
					for (String l = in.readLine(); l != null; l = in.readLine()) {
						t.accept(l, System.nanoTime());
					}
					t.end("docker logs exited");
				}
				catch (IOException ex) {
					t.end("docker logs: " + ex);
				}
			}, "docker-logs");
			reader.setDaemon(true);
			reader.start();
			return new DockerLogs(p, reader);
		}

		@Override
		public long pid() {
			return this.process.pid();
		}

		@Override
		public void close() throws Exception {
			this.process.destroy();
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(5, TimeUnit.SECONDS);
			}
			children.remove(this.process);
			this.thread.join(5000);
		}

	}

	// ---- the subscription reader: graphql-transport-ws over java.net.http.WebSocket ----

	static final class Ws implements WebSocket.Listener {

		final Map<String, Tracker> trackers = new ConcurrentHashMap<>();

		final CountDownLatch ack = new CountDownLatch(1);

		final StringBuilder partial = new StringBuilder();

		final List<String> errors = Collections.synchronizedList(new ArrayList<>());

		volatile WebSocket socket;

		volatile String closed;

		static Ws connect(URI uri, String bearer) throws Exception {
			Ws listener = new Ws();
			listener.socket = HTTP.newWebSocketBuilder()
				.subprotocols("graphql-transport-ws")
				.connectTimeout(Duration.ofSeconds(5))
				.buildAsync(uri, listener)
				.get(10, TimeUnit.SECONDS);
			listener.send(Json.write(Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer " + bearer))));
			if (!listener.ack.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("no connection_ack within 10 s (closed: " + listener.closed + ", errors "
						+ listener.errors + ")");
			}
			return listener;
		}

		synchronized void send(String text) throws Exception {
			this.socket.sendText(text, true).get(10, TimeUnit.SECONDS);
		}

		Reader subscribe(String id, int tail, Tracker t) throws Exception {
			this.trackers.put(id, t);
			String query = "subscription { " + subscription + "(name: \"" + service + "\", version: \"" + VERSION + "\", tail: "
					+ tail + ", follow: true) { " + fields + " } }";
			send(Json.write(Map.of("id", id, "type", "subscribe", "payload", Map.of("query", query))));
			return new Reader() {

				@Override
				public long pid() {
					return -1;
				}

				@Override
				public void close() throws Exception {
					if (Ws.this.trackers.remove(id) != null && t.ended == null) {
						send(Json.write(Map.of("id", id, "type", "complete")));
					}
				}

			};
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(Long.MAX_VALUE);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			if (!last) {
				this.partial.append(data);
				return null;
			}
			long ns = System.nanoTime();
			String message;
			if (this.partial.length() > 0) {
				this.partial.append(data);
				message = this.partial.toString();
				this.partial.setLength(0);
			}
			else {
				message = data.toString();
			}
			handle(message, ns);
			return null;
		}

		/** The hot path reads "next" messages without a JSON parser; the rest is parsed. */
		void handle(String message, long ns) {
			if (message.contains("\"type\":\"next\"")) {
				String id = field(message, "\"id\":\"");
				Tracker t = (id != null) ? this.trackers.get(id) : null;
				if (t == null) {
					return; // a completed subscription's last messages
				}
				// log subscriptions send lines in batches: every "line" of the message, in order
				String key = "\"line\":\"";
				int at = message.indexOf(key);
				if (at < 0 || message.indexOf('\\') >= 0) {
					Object parsed = Json.parse(message);
					Object batch = at(parsed, "payload", "data", subscription);
					if (batch instanceof Map<?, ?> single) {
						batch = List.of(single);
					}
					if (!(batch instanceof List<?> lines) || lines.isEmpty()) {
						t.end("next without lines: " + abbreviate(message));
						this.errors.add(abbreviate(message));
						return;
					}
					for (Object entry : lines) {
						t.accept(String.valueOf(((Map<?, ?>) entry).get("line")), ns);
					}
					return;
				}
				while (at >= 0) {
					int start = at + key.length();
					int end = message.indexOf('"', start);
					t.accept(message.substring(start, end), ns);
					at = message.indexOf(key, end);
				}
				return;
			}
			Object parsed = Json.parse(message);
			String type = String.valueOf(at(parsed, "type"));
			Object id = at(parsed, "id");
			Tracker t = (id != null) ? this.trackers.get(id.toString()) : null;
			switch (type) {
				case "connection_ack" -> this.ack.countDown();
				case "ping" -> {
					try {
						send("{\"type\":\"pong\"}");
					}
					catch (Exception ex) {
						this.errors.add("pong: " + ex);
					}
				}
				case "pong" -> {
				}
				case "complete" -> {
					if (t != null) {
						t.end("complete");
					}
				}
				default -> {
					this.errors.add(abbreviate(message));
					if (t != null) {
						t.end(abbreviate(message));
					}
				}
			}
		}

		/** The string value after {@code key} up to the next quote. */
		static String field(String message, String key) {
			int at = message.indexOf(key);
			if (at < 0) {
				return null;
			}
			int start = at + key.length();
			int end = message.indexOf('"', start);
			return (end < 0) ? null : message.substring(start, end);
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed = statusCode + " " + reason;
			this.trackers.values().forEach((t) -> t.end("socket closed " + this.closed));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed = "error " + error;
			this.trackers.values().forEach((t) -> t.end("socket error " + error));
		}

		void close() {
			try {
				this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				this.socket.abort();
			}
		}

	}

	// ---- 3. latency ----

	record Latency(List<Double> sub, List<Double> docker, List<Double> subAfterAnswer, List<Double> dockerAfterAnswer,
			List<Double> request, int lostSub, int lostDocker) {
	}

	static Latency latency() throws Exception {
		Tracker subT = new Tracker(0, -1, "ready-lat");
		Tracker dockT = new Tracker(0, -1, "ready-lat");
		Reader sub = ws.subscribe("lat", 0, subT);
		Reader dock = DockerLogs.start(0, dockT);
		try {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			for (int k = 0; subT.ready.getCount() > 0 || dockT.ready.getCount() > 0; k++) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("latency readers not attached within 30 s");
				}
				httpGet("/cgi-bin/mark?ready-lat-" + k, Duration.ofSeconds(10));
				subT.ready.await(300, TimeUnit.MILLISECONDS);
				dockT.ready.await(300, TimeUnit.MILLISECONDS);
			}
			long[] sent = new long[marks];
			long[] answered = new long[marks];
			long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(markMs);
			for (int i = 0; i < marks; i++) {
				long due = t0 + TimeUnit.MILLISECONDS.toNanos((long) markMs * i);
				long wait = due - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				sent[i] = System.nanoTime();
				httpGet("/cgi-bin/mark?lat-" + i, Duration.ofSeconds(10));
				answered[i] = System.nanoTime();
			}
			long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (System.nanoTime() < settle
					&& (subT.marks.keySet().stream().filter((m) -> m.startsWith("lat-")).count() < marks
							|| dockT.marks.keySet().stream().filter((m) -> m.startsWith("lat-")).count() < marks)) {
				Thread.sleep(50);
			}
			List<Double> s = new ArrayList<>(), d = new ArrayList<>(), sa = new ArrayList<>(), da = new ArrayList<>(),
					req = new ArrayList<>();
			int lostS = 0, lostD = 0;
			StringBuilder samples = new StringBuilder("latency samples (mark: request ms | subscription ms | docker ms, from the request's send)\n");
			for (int i = 0; i < marks; i++) {
				Long rs = subT.marks.get("lat-" + i);
				Long rd = dockT.marks.get("lat-" + i);
				req.add(ms(answered[i] - sent[i]));
				if (rs != null) {
					s.add(ms(rs - sent[i]));
					sa.add(ms(rs - answered[i]));
				}
				else {
					lostS++;
				}
				if (rd != null) {
					d.add(ms(rd - sent[i]));
					da.add(ms(rd - answered[i]));
				}
				else {
					lostD++;
				}
				samples.append(String.format(Locale.ROOT, "  %3d: %6.1f | %s | %s%n", i, ms(answered[i] - sent[i]),
						(rs != null) ? String.format(Locale.ROOT, "%6.1f", ms(rs - sent[i])) : "  lost",
						(rd != null) ? String.format(Locale.ROOT, "%6.1f", ms(rd - sent[i])) : "  lost"));
			}
			details.append(samples);
			Latency l = new Latency(s, d, sa, da, req, lostS, lostD);
			say(String.format(Locale.ROOT,
					"  write -> receipt, from sending the mark request: subscription p50 %.1f p99 %.1f ms, "
							+ "docker logs -f p50 %.1f p99 %.1f ms%n"
							+ "  the same from the request's answer (the line is written before it): subscription p50 %.1f "
							+ "p99 %.1f, docker p50 %.1f p99 %.1f ms; the request itself p50 %.1f p99 %.1f ms; lost marks: "
							+ "subscription %d, docker %d",
					percentile(s, 50), percentile(s, 99), percentile(d, 50), percentile(d, 99), percentile(sa, 50),
					percentile(sa, 99), percentile(da, 50), percentile(da, 99), percentile(req, 50), percentile(req, 99),
					lostS, lostD));
			return l;
		}
		finally {
			sub.close();
			dock.close();
		}
	}

	// ---- the figures ----

	static void addRows(List<Result> live, List<Result> history, Latency lat, double ashRate) {
		List<Double> liveSub = rates(live, Side.SUB), liveDock = rates(live, Side.DOCKER);
		List<Double> histSub = rates(history, Side.SUB), histDock = rates(history, Side.DOCKER);
		List<Double> writer = live.stream().filter((r) -> r.counted).map((r) -> r.writerRate).toList();
		double ratio = median(liveSub) / median(liveDock);
		row("1", "live burst of " + lines + " lines, reader lines/s (median of " + rounds + ")",
				fmt0(median(liveSub)) + " sub", fmt0(median(liveDock)) + " docker logs -f", fmt2(ratio), ">= 0.9",
				verdict(ratio >= GOAL_RATIO));
		double bound = median(liveDock) / median(writer);
		row("1b", "writer: cat of the burst into the log pipe, lines/s (median)", fmt0(median(writer)), "", "", "context",
				(bound >= 0.9) ? "readers writer-bound" : "");
		long lost = 0, dup = 0, ooo = 0, lostD = 0, dupD = 0, oooD = 0;
		for (Result r : concat(live, history)) {
			if (r.side == Side.SUB) {
				lost += r.lost;
				dup += r.duplicated;
				ooo += r.outOfOrder;
			}
			else {
				lostD += r.lost;
				dupD += r.duplicated;
				oooD += r.outOfOrder;
			}
		}
		row("1c", "subscription lost / duplicated / out of order, " + rounds + " live + " + rounds + " history rounds",
				lost + " / " + dup + " / " + ooo, lostD + " / " + dupD + " / " + oooD + " docker", "", "0 / 0 / 0",
				verdict(lost == 0 && dup == 0 && ooo == 0));
		double hr = median(histSub) / median(histDock);
		row("2", "history: last " + historyTail + " lines already written (tail " + historyTail + "), lines/s",
				fmt0(median(histSub)) + " sub", fmt0(median(histDock)) + " docker logs -f", fmt2(hr), "context", "");
		row("2b", "ash loop writing lines to a file, lines/s", fmt0(ashRate), "", "", "context", "");
		double p50 = percentile(lat.sub(), 50);
		row("3", "slow writer, write -> receipt p50 (" + marks + " marks, " + markMs + " ms apart)", fmtMs(p50) + " sub",
				fmtMs(percentile(lat.docker(), 50)) + " docker", fmt2(p50 / percentile(lat.docker(), 50)), "<= 50 ms",
				verdict(p50 <= GOAL_P50_MS && lat.lostSub() == 0));
		row("3b", "slow writer, write -> receipt p99", fmtMs(percentile(lat.sub(), 99)) + " sub",
				fmtMs(percentile(lat.docker(), 99)) + " docker", fmt2(percentile(lat.sub(), 99) / percentile(lat.docker(), 99)),
				"context", "lost " + lat.lostSub() + " sub, " + lat.lostDocker() + " docker");
		row("3c", "of which the mark request itself (CGI spawn + write), p50", fmtMs(percentile(lat.request(), 50)), "",
				"", "context", "");
		double mgrCpu = median(live.stream().filter((r) -> r.counted && r.side == Side.SUB).map((r) -> r.managerCpuMs / r.expected * 1000).toList());
		double cliCpu = median(live.stream().filter((r) -> r.counted && r.side == Side.DOCKER).map((r) -> r.cliCpuMs / r.expected * 1000).toList());
		double harnessSub = median(live.stream().filter((r) -> r.counted && r.side == Side.SUB).map((r) -> r.harnessCpuMs / r.expected * 1000).toList());
		double harnessDock = median(live.stream().filter((r) -> r.counted && r.side == Side.DOCKER).map((r) -> r.harnessCpuMs / r.expected * 1000).toList());
		row("4", "CPU ms per 1000 lines (live): manager vs docker CLI", fmt2(mgrCpu) + " manager", fmt2(cliCpu) + " docker CLI",
				fmt2(mgrCpu / cliCpu), "context", "");
		row("4b", "CPU ms per 1000 lines (live) of this harness reading them", fmt2(harnessSub) + " sub",
				fmt2(harnessDock) + " docker", "", "context", "");
		if (dockerdPid > 0) {
			double dSub = median(live.stream().filter((r) -> r.counted && r.side == Side.SUB).map((r) -> r.dockerdCpuMs / r.expected * 1000).toList());
			double dDock = median(live.stream().filter((r) -> r.counted && r.side == Side.DOCKER).map((r) -> r.dockerdCpuMs / r.expected * 1000).toList());
			row("4c", "CPU ms per 1000 lines (live) of dockerd (ingest + serving the reader)", fmt2(dSub) + " sub round",
					fmt2(dDock) + " docker round", fmt2(dSub / dDock), "context", "");
		}
	}

	static List<Result> concat(List<Result> a, List<Result> b) {
		List<Result> all = new ArrayList<>(a.stream().filter((r) -> r.counted).toList());
		all.addAll(b.stream().filter((r) -> r.counted).toList());
		return all;
	}

	static List<Double> rates(List<Result> results, Side side) {
		return results.stream().filter((r) -> r.counted && r.side == side).map((r) -> r.readerRate).toList();
	}

	static void row(String... cells) {
		rows.add(cells);
	}

	static void report(Throwable failure) {
		StringBuilder r = new StringBuilder();
		r.append("\n").append("=".repeat(100)).append('\n');
		r.append("Daeploy log stream benchmark, ")
			.append(DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
			.append(quick ? "  QUICK RUN (small counts, figures not comparable)" : "")
			.append('\n');
		r.append("ratio = subscription / docker logs -f, both measured in this run, sides alternating\n\n");
		List<String[]> all = new ArrayList<>();
		all.add(new String[] { "#", "figure", "measured", "baseline", "ratio", "goal", "verdict" });
		all.addAll(rows);
		int[] w = new int[7];
		for (String[] c : all) {
			for (int i = 0; i < 7; i++) {
				w[i] = Math.max(w[i], c[i].length());
			}
		}
		for (int k = 0; k < all.size(); k++) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < 7; i++) {
				String c = all.get(k)[i];
				line.append((i == 2 || i == 4) ? " ".repeat(w[i] - c.length()) + c : c + " ".repeat(w[i] - c.length()))
					.append("  ");
			}
			r.append(line.toString().stripTrailing()).append('\n');
			if (k == 0) {
				r.append("-".repeat(Arrays.stream(w).sum() + 12)).append('\n');
			}
		}
		if (rows.isEmpty()) {
			r.append("(no figures)\n");
		}
		if (failure != null) {
			r.append("\nINCOMPLETE: the run failed: ").append(failure).append('\n');
		}
		r.append("\nload average (1 5 15 min) at each section: ").append(String.join(" | ", loads)).append('\n');
		double maxLoad = loads.stream().mapToDouble((l) -> {
			try {
				return Double.parseDouble(l.split(" ")[0]);
			}
			catch (NumberFormatException ex) {
				return 0;
			}
		}).max().orElse(0);
		int cores = Runtime.getRuntime().availableProcessors();
		if (maxLoad > cores) {
			r.append(String.format(Locale.ROOT, "WARNING: the machine was busy (1-min load up to %.1f on %d cores): ratios "
					+ "hold up better than absolute lines/s and milliseconds.%n", maxLoad, cores));
		}
		if (details.length() > 0) {
			r.append("\nDetails\n").append(details);
		}
		say(r.toString());
		String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
		try {
			Path target = resultsDir.resolve("logs-" + stamp + ".txt");
			Files.writeString(target, out);
			System.out.println("written to " + root.relativize(target));
		}
		catch (IOException ex) {
			System.err.println("could not write results: " + ex);
		}
	}

	static String verdict(boolean ok) {
		return ok ? "MET" : "MISSED";
	}

	static String fmt0(double v) {
		return String.format(Locale.ROOT, "%.0f", v);
	}

	static String fmt2(double v) {
		return String.format(Locale.ROOT, "%.2f", v);
	}

	static String fmtMs(double v) {
		return String.format(Locale.ROOT, "%.1f ms", v);
	}

	// =====================================================================================
	// The manager process, GraphQL over HTTP, the service's HTTP
	// =====================================================================================

	static void startManager() throws Exception {
		managerPort = freePort();
		List<String> cmd = new ArrayList<>();
		cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		cmd.addAll(javaOpts);
		cmd.add("-jar");
		cmd.add(runJar.toString());
		cmd.add("--server.port=" + managerPort);
		cmd.add("--daeploy.data-dir=" + Files.createDirectories(work.resolve("data")));
		cmd.add("--daeploy.instance=" + instance);
		cmd.add("--daeploy.docker.host=unix://" + engineSock);
		cmd.add("--daeploy.proxy.http-port=" + freePort());
		cmd.add("--daeploy.proxy.https-port=" + freePort());
		cmd.add("--daeploy.admin-password=" + adminPassword);
		Path logs = Files.createDirectories(resultsDir.resolve("logs"));
		managerLog = logs.resolve("logs-manager.log");
		manager = new ProcessBuilder(cmd).directory(work.toFile())
			.redirectErrorStream(true)
			.redirectOutput(managerLog.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		long t0 = System.nanoTime();
		while (true) {
			if (!manager.isAlive()) {
				throw new IllegalStateException("the manager exited with " + manager.exitValue() + "\n" + managerTail());
			}
			try {
				if (token == null) {
					Object t = at(gql("mutation($input: LoginInput!) { login(input: $input) { token } }",
							Map.of("input", Map.of("username", "admin", "password", adminPassword))), "login", "token");
					token = (String) t;
				}
				if (Boolean.TRUE.equals(at(gql("{ runtime { available } }", Map.of()), "runtime", "available"))) {
					say(String.format(Locale.ROOT, "  ready (logged in as admin, runtime available) after %.1f s",
							secondsSince(t0)));
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the manager was not ready within 120 s\n" + managerTail());
			}
			Thread.sleep(100);
		}
	}

	static String managerTail() {
		try {
			List<String> l = Files.readAllLines(managerLog);
			return "--- last lines of " + managerLog + " ---\n" + String.join("\n", l.subList(Math.max(0, l.size() - 30), l.size()));
		}
		catch (IOException ex) {
			return "(no manager log: " + ex + ")";
		}
	}

	static Object gql(String query, Map<String, Object> variables) throws IOException, InterruptedException {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("query", query);
		request.put("variables", variables);
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managerPort + "/graphql"))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(Json.write(request)));
		if (token != null) {
			b.header("Authorization", "Bearer " + token);
		}
		HttpResponse<String> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
		}
		Object parsed = Json.parse(response.body());
		Object errors = at(parsed, "errors");
		if (errors instanceof List<?> list && !list.isEmpty()) {
			throw new IllegalStateException("GraphQL errors: " + abbreviate(Json.write(errors)));
		}
		return at(parsed, "data");
	}

	static String httpGet(String path, Duration timeout) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(timeout).GET().build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
		}
		return response.body();
	}

	static void awaitHttp200(String url) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			try {
				if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(url + " did not answer 200 within 30 s");
			}
			Thread.sleep(20);
		}
	}

	static Object at(Object node, String... keys) {
		return Json.at(node, keys);
	}

	// =====================================================================================
	// Cleanup: our docker CLI readers, the manager (by PID), the containers of our instance
	// =====================================================================================

	static void cleanup() {
		if (!cleaned.compareAndSet(false, true)) {
			return;
		}
		if (ws != null) {
			ws.close();
		}
		for (Process p : children) {
			p.destroy();
		}
		if (manager != null && manager.isAlive()) {
			manager.destroy(); // SIGTERM to the PID we started
			try {
				if (!manager.waitFor(30, TimeUnit.SECONDS)) {
					manager.destroyForcibly();
					manager.waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				manager.destroyForcibly();
			}
		}
		try {
			// only what this run made: our instance's containers, which all carry the bench label
			List<String> ids = lines(docker("ps", "-aq", "--no-trunc", "--filter", "label=daeploy.instance=" + instance,
					"--filter", "label=" + TEST_LABEL + "=" + TEST_VALUE));
			for (String id : ids) {
				docker("rm", "-f", id);
			}
			System.out.println("cleanup: manager (pid " + ((manager != null) ? manager.pid() : "-") + ") stopped, "
					+ ids.size() + " container(s) removed");
		}
		catch (Exception ex) {
			System.err.println("cleanup: " + ex);
		}
		deleteTree(work);
	}

	static void deleteTree(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (var paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((p) -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (IOException ex) {
					// best effort
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

	// =====================================================================================
	// Small helpers
	// =====================================================================================

	static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return s.getLocalPort();
		}
	}

	static String docker(String... args) throws IOException, InterruptedException {
		List<String> cmd = new ArrayList<>();
		cmd.add("docker");
		cmd.addAll(Arrays.asList(args));
		Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.start();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		Thread errReader = new Thread(() -> {
			try {
				p.getErrorStream().transferTo(err);
			}
			catch (IOException ex) {
				// ignore
			}
		});
		errReader.setDaemon(true);
		errReader.start();
		String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		int rc = p.waitFor();
		errReader.join(5000);
		if (rc != 0) {
			throw new IOException("docker " + String.join(" ", args) + " failed (" + rc + "): "
					+ err.toString(StandardCharsets.UTF_8).trim());
		}
		return o;
	}

	static List<String> lines(String s) {
		return s.lines().map(String::trim).filter((l) -> !l.isEmpty()).toList();
	}

	static String gitRevision() {
		try {
			Process p = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD")
				.redirectErrorStream(true)
				.start();
			String rev = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return (p.waitFor() == 0) ? rev : "?";
		}
		catch (Exception ex) {
			return "?";
		}
	}

	static double ms(long nanos) {
		return nanos / 1e6;
	}

	static double secondsSince(long t0) {
		return (System.nanoTime() - t0) / 1e9;
	}

	static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> s = new ArrayList<>(values);
		Collections.sort(s);
		int n = s.size();
		return (n % 2 == 1) ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
	}

	/** Nearest-rank percentile. */
	static double percentile(List<Double> values, double p) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> s = new ArrayList<>(values);
		Collections.sort(s);
		int rank = (int) Math.ceil(p / 100.0 * s.size());
		return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
	}

	static void section(String title) {
		String load = loadavg();
		loads.add(load);
		say(String.format(Locale.ROOT, "%n[%5.0f s] %s   (load average %s)", secondsSince(benchStart), title, load));
	}

	static String loadavg() {
		try {
			String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return f[0] + " " + f[1] + " " + f[2];
		}
		catch (IOException ex) {
			return "?";
		}
	}

	static synchronized void say(String line) {
		System.out.println(line);
		System.out.flush();
		out.append(line).append('\n');
	}

	static String abbreviate(String s) {
		return (s.length() > 600) ? s.substring(0, 600) + "..." : s;
	}

	// =====================================================================================
	// JSON (just enough for GraphQL; the same as ManagerBench's)
	// =====================================================================================

	static final class Json {

		private final String s;

		private int i;

		private Json(String s) {
			this.s = s;
		}

		static Object parse(String s) {
			Json j = new Json(s);
			Object v = j.value();
			j.ws();
			if (j.i != s.length()) {
				throw j.error("trailing characters");
			}
			return v;
		}

		/** Navigates maps by key; null when a step is missing. */
		static Object at(Object node, String... keys) {
			Object current = node;
			for (String k : keys) {
				if (!(current instanceof Map<?, ?> map)) {
					return null;
				}
				current = map.get(k);
			}
			return current;
		}

		private Object value() {
			ws();
			if (this.i >= this.s.length()) {
				throw error("unexpected end");
			}
			char c = this.s.charAt(this.i);
			switch (c) {
				case '{': {
					this.i++;
					Map<String, Object> map = new LinkedHashMap<>();
					ws();
					if (peek('}')) {
						this.i++;
						return map;
					}
					while (true) {
						ws();
						String key = string();
						ws();
						expect(':');
						map.put(key, value());
						ws();
						if (peek(',')) {
							this.i++;
							continue;
						}
						expect('}');
						return map;
					}
				}
				case '[': {
					this.i++;
					List<Object> list = new ArrayList<>();
					ws();
					if (peek(']')) {
						this.i++;
						return list;
					}
					while (true) {
						list.add(value());
						ws();
						if (peek(',')) {
							this.i++;
							continue;
						}
						expect(']');
						return list;
					}
				}
				case '"':
					return string();
				case 't':
					literal("true");
					return Boolean.TRUE;
				case 'f':
					literal("false");
					return Boolean.FALSE;
				case 'n':
					literal("null");
					return null;
				default:
					return number();
			}
		}

		private Object number() {
			int start = this.i;
			while (this.i < this.s.length() && "+-0123456789.eE".indexOf(this.s.charAt(this.i)) >= 0) {
				this.i++;
			}
			String t = this.s.substring(start, this.i);
			if (t.isEmpty()) {
				throw error("unexpected character");
			}
			if (t.contains(".") || t.contains("e") || t.contains("E")) {
				return Double.parseDouble(t);
			}
			try {
				return Long.parseLong(t);
			}
			catch (NumberFormatException ex) {
				return new java.math.BigInteger(t);
			}
		}

		private String string() {
			expect('"');
			StringBuilder b = new StringBuilder();
			while (true) {
				if (this.i >= this.s.length()) {
					throw error("unterminated string");
				}
				char c = this.s.charAt(this.i++);
				if (c == '"') {
					return b.toString();
				}
				if (c != '\\') {
					b.append(c);
					continue;
				}
				char e = this.s.charAt(this.i++);
				switch (e) {
					case 'n' -> b.append('\n');
					case 't' -> b.append('\t');
					case 'r' -> b.append('\r');
					case 'b' -> b.append('\b');
					case 'f' -> b.append('\f');
					case 'u' -> {
						b.append((char) Integer.parseInt(this.s.substring(this.i, this.i + 4), 16));
						this.i += 4;
					}
					default -> b.append(e);
				}
			}
		}

		private void literal(String word) {
			if (!this.s.startsWith(word, this.i)) {
				throw error("expected " + word);
			}
			this.i += word.length();
		}

		private boolean peek(char c) {
			return this.i < this.s.length() && this.s.charAt(this.i) == c;
		}

		private void expect(char c) {
			if (!peek(c)) {
				throw error("expected '" + c + "'");
			}
			this.i++;
		}

		private void ws() {
			while (this.i < this.s.length() && " \t\r\n".indexOf(this.s.charAt(this.i)) >= 0) {
				this.i++;
			}
		}

		private IllegalArgumentException error(String what) {
			return new IllegalArgumentException("JSON: " + what + " at " + this.i + " in " + abbreviate(this.s));
		}

		static String write(Object o) {
			StringBuilder b = new StringBuilder();
			write(o, b);
			return b.toString();
		}

		private static void write(Object o, StringBuilder b) {
			if (o == null) {
				b.append("null");
			}
			else if (o instanceof String str) {
				b.append('"');
				for (int k = 0; k < str.length(); k++) {
					char c = str.charAt(k);
					switch (c) {
						case '"' -> b.append("\\\"");
						case '\\' -> b.append("\\\\");
						case '\n' -> b.append("\\n");
						case '\r' -> b.append("\\r");
						case '\t' -> b.append("\\t");
						default -> {
							if (c < 0x20) {
								b.append(String.format("\\u%04x", (int) c));
							}
							else {
								b.append(c);
							}
						}
					}
				}
				b.append('"');
			}
			else if (o instanceof Map<?, ?> map) {
				b.append('{');
				boolean first = true;
				for (Map.Entry<?, ?> e : map.entrySet()) {
					b.append(first ? "" : ",");
					first = false;
					write(String.valueOf(e.getKey()), b);
					b.append(':');
					write(e.getValue(), b);
				}
				b.append('}');
			}
			else if (o instanceof List<?> list) {
				b.append('[');
				for (int k = 0; k < list.size(); k++) {
					b.append((k > 0) ? "," : "");
					write(list.get(k), b);
				}
				b.append(']');
			}
			else {
				b.append(o); // numbers and booleans
			}
		}

	}


}
