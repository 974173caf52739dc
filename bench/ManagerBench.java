// Daeploy Manager benchmark harness. Not part of the test suite: run it by hand with
// `bench/run` (see bench/README.md). Single-file Java 17 program, no dependencies:
//   java bench/ManagerBench.java --root . [--quick] [--rounds N] ...
// Every figure is printed as a ratio against a baseline measured in the same run, the two
// sides alternating round by round.

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ManagerBench {

	// ---- settings (flags override them; --quick shrinks them for a smoke run) ----

	static int rounds = 15; // figures 1 and 4, and the "at 0" side of figure 2

	static int roundsAt50 = 12; // the "at 50" side of figure 2

	static int warmup = 2; // uncounted rounds before the first measured phase

	static int bgSmall = 10; // figure 3: services deployed for the small list

	static int bgMid = 50; // figures 2 and 5: services already running / stored

	static int bgLarge = 200; // figure 3: services deployed for the large list

	static int listRounds = 300; // figure 3: list calls per side

	static int floorWarmCalls = 6000; // figure 3c: trivial queries before the first CPU reading

	static int floorLongWarmCalls = 50000; // figure 3c: and before the second

	static int floorCpuCalls = 6000; // figure 3c: trivial queries per CPU reading

	static int listWarmCalls = 3000; // figure 3d: list calls before the warm list is measured

	static int restartRounds = 3; // figure 5

	static int idleSeconds = 10; // figure 6: idle time before reading RSS

	static int pollMs = 5; // HTTP poll interval, the same on both sides of figure 1

	static int parallel = 4; // concurrent GraphQL calls when deploying/killing background services

	static boolean quick;

	static final String IMAGE = "daeploy-test/busybox:1";

	static final String VERSION = "1.0.0";

	static final String TEST_LABEL = "test.daeploy";

	static final String TEST_VALUE = "bench";

	// goals (issue text)
	static final double GOAL_DEPLOY_RATIO = 1.05;

	static final double GOAL_FLAT_RATIO = 1.10; // "flat": within 10 %, our reading of the goal

	static final double GOAL_LIST_P50_MS = 2.0; // issue 13 (was 5 ms)

	static final double GOAL_LIST_CPU_MS = 2.0; // issue 13: CPU per list of 200

	static final double GOAL_FLOOR_CPU_MS = 0.5; // issue 13: CPU per trivial query, warm

	static final double GOAL_LOADED_RSS_MB = 160.0; // issue 13: RSS after the list load

	static final double GOAL_KILL_RATIO = 0.90;

	static final double GOAL_START_S = 2.0; // issue 13 (was 3 s)

	static final double GOAL_RSS_MB = 128.0;

	// ---- run state ----

	static Path root;

	static Path jar;

	/** The copy the managers run: a build replacing the jar mid-run cannot break them. */
	static Path runJar;

	static String jarModified = "?";

	static Path resultsDir;

	static Path logsDir;

	static Path work;

	static Path engineSock = Path.of("/var/run/docker.sock");

	static Path relaySock;

	static List<String> javaOpts;

	/** MALLOC_ARENA_MAX for the managers, as bin/daeploy-manager sets it; null: inherited. */
	static String mallocArenaMax;

	static String javaOptsSource;

	static final List<String> extraManagerArgs = new ArrayList<>();

	static String runId;

	static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	static final List<Manager> managers = Collections.synchronizedList(new ArrayList<>());

	static final Set<String> baselineContainers = ConcurrentHashMap.newKeySet();

	static final Set<String> instances = ConcurrentHashMap.newKeySet();

	static Set<String> preexisting = Set.of();

	static Relay relay;

	static final StringBuilder details = new StringBuilder();

	static final List<Row> rows = new ArrayList<>();

	static final AtomicBoolean cleaned = new AtomicBoolean();

	static final long benchStart = System.nanoTime();

	static int fgSeq;

	/** Set on every manager (daeploy.admin-password) so the harness can log in when auth is on. */
	static final String adminPassword = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
			+ Long.toHexString(ThreadLocalRandom.current().nextLong());

	/** Session token per data dir: tokens are stored, so they survive a restart on the same dir. */
	static final Map<Path, String> tokens = new ConcurrentHashMap<>();

	/** What the harness found out about authentication, for the report. */
	static volatile String authMode = "not checked";

	public static void main(String[] args) throws Exception {
		parseArgs(args);
		runId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36);
		resultsDir = Files.createDirectories(root.resolve("bench/results"));
		logsDir = Files.createDirectories(resultsDir.resolve("logs"));
		// short path: unix socket paths are limited to 107 bytes
		work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dbench-");
		relaySock = work.resolve("counting.sock");
		String dockerHost = System.getenv("DOCKER_HOST");
		if (dockerHost != null && dockerHost.startsWith("unix://")) {
			engineSock = Path.of(dockerHost.substring("unix://".length()));
		}
		Runtime.getRuntime().addShutdownHook(new Thread(ManagerBench::cleanup, "bench-cleanup"));
		int rc = 0;
		Throwable failure = null;
		try {
			preflight();
			run();
		}
		catch (Throwable ex) {
			failure = ex;
			rc = 1;
			System.err.println();
			System.err.println("BENCH FAILED: " + ex);
			ex.printStackTrace();
		}
		finally {
			cleanup();
		}
		report(failure);
		System.exit(rc);
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
				case "--manager-arg" -> extraManagerArgs.add(args[++i]);
				case "--rounds" -> rounds = Integer.parseInt(args[++i]);
				case "--poll-ms" -> pollMs = Integer.parseInt(args[++i]);
				case "--quick" -> {
					quick = true;
					rounds = 4;
					roundsAt50 = 3;
					warmup = 1;
					bgSmall = 5;
					bgMid = 10;
					bgLarge = 30;
					listRounds = 60;
					floorWarmCalls = 500;
					floorLongWarmCalls = 1000;
					floorCpuCalls = 500;
					listWarmCalls = 200;
					restartRounds = 1;
					idleSeconds = 3;
				}
				case "-h", "--help" -> {
					System.out.println("usage: java bench/ManagerBench.java [--root DIR] [--jar JAR] [--java-opts OPTS]\n"
							+ "       [--manager-arg ARG]... [--rounds N] [--poll-ms MS] [--quick]");
					System.exit(0);
				}
				default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
			}
		}
		if (rounds < 2) {
			throw new IllegalArgumentException("--rounds must be at least 2");
		}
		jar = (jarArg != null) ? Path.of(jarArg).toAbsolutePath() : root.resolve("backend/target/daeploy-manager.jar");
		if (javaOptsArg != null) {
			javaOpts = split(javaOptsArg);
			javaOptsSource = "overridden (--java-opts / BENCH_JAVA_OPTS)";
		}
		else {
			javaOpts = shippedJavaOpts(root.resolve("bin/daeploy-manager"));
			javaOptsSource = "default of bin/daeploy-manager";
		}
		if (System.getenv("MALLOC_ARENA_MAX") == null) {
			mallocArenaMax = shippedMallocArenaMax(root.resolve("bin/daeploy-manager"));
		}
	}

	/**
	 * The run script's default {@code MALLOC_ARENA_MAX}, which the managers of the bench get
	 * as the script gives it to users; {@code null} if the script sets none.
	 */
	static String shippedMallocArenaMax(Path script) {
		return scriptDefault(script, "MALLOC_ARENA_MAX:-([0-9]+)");
	}

	/** Reads the default out of the line {@code : "${JAVA_OPTS:=...}"} of the run script. */
	static List<String> shippedJavaOpts(Path script) {
		String opts = scriptDefault(script, "\\$\\{JAVA_OPTS:?=([^}]*)\\}");
		if (opts == null) {
			throw new IllegalStateException("no ${JAVA_OPTS:=...} default in " + script);
		}
		return split(opts);
	}

	/** The first group of the pattern's first match in the run script, or {@code null}. */
	static String scriptDefault(Path script, String pattern) {
		try {
			Matcher m = Pattern.compile(pattern).matcher(Files.readString(script));
			return m.find() ? m.group(1) : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + script, ex);
		}
	}

	static List<String> split(String s) {
		return Arrays.stream(s.trim().split("\\s+")).filter((t) -> !t.isEmpty()).toList();
	}

	static void preflight() throws Exception {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("no manager jar at " + jar + " (build it: mvn -B -q -DskipTests package)");
		}
		if (!Files.exists(engineSock)) {
			throw new IllegalStateException("no Docker engine socket at " + engineSock);
		}
		runJar = work.resolve("daeploy-manager.jar");
		jarModified = Files.getLastModifiedTime(jar).toInstant().atOffset(ZoneOffset.UTC).toString();
		Files.copy(jar, runJar, StandardCopyOption.COPY_ATTRIBUTES);
		docker("image", "inspect", "--format", "{{.Id}}", IMAGE);
		preexisting = new LinkedHashSet<>(lines(docker("ps", "-aq", "--no-trunc", "--filter",
				"label=" + TEST_LABEL + "=" + TEST_VALUE)));
		say("Daeploy Manager benchmark, run " + runId + (quick ? " (QUICK: smaller counts, not comparable)" : ""));
		say("  jar        " + jar + " (modified " + jarModified + "; run from a copy)");
		say("  JAVA_OPTS  " + String.join(" ", javaOpts) + "  [" + javaOptsSource + "]"
				+ ((mallocArenaMax != null) ? "; MALLOC_ARENA_MAX=" + mallocArenaMax + " as the script sets it" : ""));
		say("  engine     docker " + docker("version", "--format", "{{.Server.Version}}").trim() + " at "
				+ engineSock + "; manager talks to it through the counting relay " + relaySock);
		say("  machine    " + Runtime.getRuntime().availableProcessors() + " cores, load average " + loadavg()
				+ "; poll interval " + pollMs + " ms on both sides");
		int others = lines(docker("ps", "-q")).size();
		if (others > 0) {
			say("  note       " + others + " container(s) of others already run on the engine");
		}
		if (!preexisting.isEmpty()) {
			say("  WARNING    " + preexisting.size() + " container(s) labelled " + TEST_LABEL + "=" + TEST_VALUE
					+ " were already there (left by an earlier run?); they are left alone but load the engine");
		}
		if (!extraManagerArgs.isEmpty()) {
			say("  extra manager args " + extraManagerArgs);
		}
	}

	// =====================================================================================
	// The run
	// =====================================================================================

	static void run() throws Exception {
		String instance = "bench-" + runId;
		Path data = Files.createDirectories(work.resolve("data"));
		relay = new Relay(relaySock, engineSock);
		relay.start();

		section("start the manager");
		Manager m = Manager.start("main", data, instance);
		double firstStart = m.awaitRuntimeAvailable(Duration.ofSeconds(120));
		say(String.format(Locale.ROOT, "  first start (empty data dir) until runtime { available }: %.2f s; pid %d",
				firstStart, m.pid()));
		say("  auth: " + authMode);

		// ---- figure 6a: idle RSS ----
		section("figure 6: idle RSS after " + idleSeconds + " s");
		long callsBeforeIdle = relay.count();
		Thread.sleep(idleSeconds * 1000L);
		long idleCalls = relay.count() - callsBeforeIdle;
		Proc idle = m.proc();
		say(String.format(Locale.ROOT, "  %s; Docker calls while idle: %d (%.2f/s)", idle.breakdown(), idleCalls,
				idleCalls / (double) idleSeconds));
		double idleCallRate = idleCalls / (double) idleSeconds;
		addRssRow(idle);

		// ---- figures 1 and 4 (and the "at 0" side of figure 2) ----
		section("figures 1 and 4: deploy and kill with 0 services running (" + rounds + " rounds + " + warmup
				+ " warm-up)");
		Phase at0 = deployPhase(m, warmup, rounds);
		addDeployRows(at0);

		// ---- figure 3, small list ----
		section("figure 3: list with " + bgSmall + " services");
		deployBackground(m, 0, bgSmall);
		ListResult small = listPhase(m, instance, bgSmall);

		// ---- figure 2: the same deploy with 50 running ----
		section("figure 2: deploy and kill with " + bgMid + " services running (" + roundsAt50 + " rounds + 1 warm-up)");
		deployBackground(m, bgSmall, bgMid);
		Phase at50 = deployPhase(m, 1, roundsAt50);
		addDeployRows(at0, at50);

		// ---- figure 3, large list; figure 6b ----
		section("figure 3: list with " + bgLarge + " services");
		deployBackground(m, bgMid, bgLarge);
		ListResult large = listPhase(m, instance, bgLarge);
		Proc loaded = m.proc();
		say("  after the list load: " + loaded.breakdown());

		addListRows(small, large, idleCallRate);
		addLoadedRssRow(loaded);

		// ---- figure 3c: the floor's CPU on a warm manager ----
		section("figure 3c: CPU per " + FLOOR + " from " + FLOOR_CLIENTS + " clients, after " + floorWarmCalls
				+ " and after " + floorLongWarmCalls + " warm-up calls");
		floorCpuPhase(m);

		// ---- figure 3d: the large list on a warm manager ----
		section("figure 3d: list with " + bgLarge + " services after " + listWarmCalls + " list calls");
		warmListPhase(m, bgLarge);

		// ---- figure 5: restart with 50 stored ----
		section("figure 5: start-to-ready with " + bgMid + " services stored (" + restartRounds + " rounds)");
		killBackground(m, bgMid, bgLarge);
		int stored = m.services().size();
		if (stored != bgMid) {
			throw new IllegalStateException("expected " + bgMid + " services before the restarts, found " + stored);
		}
		double stop = m.stop();
		say(String.format(Locale.ROOT, "  graceful stop (SIGTERM until exit) of the loaded manager: %.2f s", stop));
		addStartRows(restartPhase(data, instance));
		say("");
		say(String.format(Locale.ROOT, "total bench time so far %.0f s", secondsSince(benchStart)));
	}

	// ---- figures 1, 2 and 4 ----

	record DeployTiming(double total, double step1, double step2, double http, String id) {
	}

	static final class Phase {

		final List<Double> mgrDeploy = new ArrayList<>();

		final List<Double> dockDeploy = new ArrayList<>();

		final List<Double> eqDeploy = new ArrayList<>();

		final List<Double> mgrKill = new ArrayList<>();

		final List<Double> dockKill = new ArrayList<>();

		final List<Double> eqKill = new ArrayList<>();

		final List<Double> mgrMutation = new ArrayList<>();

		final List<Double> mgrInspect = new ArrayList<>();

		final List<Double> mgrHttp = new ArrayList<>();

		final List<Double> dockRun = new ArrayList<>();

		final List<Double> dockPort = new ArrayList<>();

		final List<Double> dockHttp = new ArrayList<>();

		final List<Double> eqRun = new ArrayList<>();

		int background;

	}

	static final String[] SIDE_NAMES = { "manager", "docker", "docker-eq" };

	/**
	 * Rounds of three sides, their order rotating round by round: the manager's deploy, the
	 * plain {@code docker run} of the issue (the baseline), and a {@code docker run} with the
	 * same container options as the manager's (context: what the options themselves cost).
	 * Then each side's container is killed, in the same order. The first round is a warm-up
	 * and starts with the manager, which creates the network the third side joins.
	 */
	static Phase deployPhase(Manager m, int warm, int n) throws Exception {
		Phase p = new Phase();
		p.background = m.services().size();
		for (int r = -warm; r < n; r++) {
			int shift = Math.floorMod(r + warm, 3);
			int[] order = { shift, (shift + 1) % 3, (shift + 2) % 3 };
			String name = "bench_fg_" + (fgSeq++);
			DeployTiming[] t = new DeployTiming[3];
			for (int side : order) {
				t[side] = switch (side) {
					case 0 -> managerDeploy(m, name);
					case 1 -> dockerDeploy(false, name);
					default -> dockerDeploy(true, name);
				};
			}
			double[] k = new double[3];
			for (int side : order) {
				if (side == 0) {
					k[side] = timed(() -> m.kill(name));
				}
				else {
					String id = t[side].id();
					k[side] = timed(() -> docker("rm", "-f", id));
					baselineContainers.remove(id);
				}
			}
			String tag = (r < 0) ? "warm-up" : "round " + (r + 1);
			say(String.format(Locale.ROOT,
					"  %-8s %-9s first | deploy: manager %6.1f ms (mutation %.1f, inspection %.1f, http %.1f)  docker %6.1f ms (run %.1f, port %.1f, http %.1f)  docker-eq %6.1f ms | kill: manager %5.1f  docker %5.1f  docker-eq %5.1f ms",
					tag, SIDE_NAMES[order[0]], t[0].total(), t[0].step1(), t[0].step2(), t[0].http(), t[1].total(),
					t[1].step1(), t[1].step2(), t[1].http(), t[2].total(), k[0], k[1], k[2]));
			if (r >= 0) {
				p.mgrDeploy.add(t[0].total());
				p.mgrMutation.add(t[0].step1());
				p.mgrInspect.add(t[0].step2());
				p.mgrHttp.add(t[0].http());
				p.dockDeploy.add(t[1].total());
				p.dockRun.add(t[1].step1());
				p.dockPort.add(t[1].step2());
				p.dockHttp.add(t[1].http());
				p.eqDeploy.add(t[2].total());
				p.eqRun.add(t[2].step1());
				p.mgrKill.add(k[0]);
				p.dockKill.add(k[1]);
				p.eqKill.add(k[2]);
			}
		}
		say(String.format(Locale.ROOT,
				"  medians with %d services running: deploy manager %.1f ms (mutation %.1f, inspection %.1f, http %.1f) | docker %.1f ms (run %.1f, port %.1f, http %.1f) | docker-eq %.1f ms (run %.1f); kill manager %.1f | docker rm -f %.1f | docker-eq rm -f %.1f ms",
				p.background, median(p.mgrDeploy), median(p.mgrMutation), median(p.mgrInspect), median(p.mgrHttp),
				median(p.dockDeploy), median(p.dockRun), median(p.dockPort), median(p.dockHttp), median(p.eqDeploy),
				median(p.eqRun), median(p.mgrKill), median(p.dockKill), median(p.eqKill)));
		return p;
	}

	static final String DEPLOY = "mutation($input: DeployServiceInput!) { deployService(input: $input) { service { name version state } } }";

	static final String INSPECT = "query($name: String!, $version: String!) { service(name: $name, version: $version) { inspection { publishedAddress } } }";

	static final String KILL = "mutation($input: KillServiceInput!) { killService(input: $input) { name version } }";

	static DeployTiming managerDeploy(Manager m, String name) throws Exception {
		long t0 = System.nanoTime();
		m.deploy(name);
		long t1 = System.nanoTime();
		Object data = m.gql(INSPECT, Map.of("name", name, "version", VERSION));
		Object address = Json.at(data, "service", "inspection", "publishedAddress");
		if (!(address instanceof String)) {
			throw new IllegalStateException("service " + name + " has no publishedAddress: " + Json.write(data));
		}
		long t2 = System.nanoTime();
		awaitHttp200((String) address);
		long t3 = System.nanoTime();
		return new DeployTiming(ms(t3 - t0), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), null);
	}

	/**
	 * The baseline: {@code docker run} + {@code docker port} + the same HTTP polling. With
	 * {@code equivalent}, the container gets the options the manager gives its own
	 * (network, restart policy, log rotation, extra host, environment, a name, labels).
	 */
	/** The network the manager of this run made: one per instance, as the manager names it. */
	static String network() {
		return "daeploy-bench-" + runId + "-network";
	}

	static DeployTiming dockerDeploy(boolean equivalent, String name) throws Exception {
		List<String> args = new ArrayList<>(List.of("run", "-d", "--label", TEST_LABEL + "=" + TEST_VALUE));
		if (equivalent) {
			args.addAll(List.of("--name", "bench-eq-" + runId + "-" + name, "--label", "daeploy.bench.name=" + name,
					"--label", "daeploy.bench.version=" + VERSION, "--label", "daeploy.bench.port=8000", "--label",
					"daeploy.bench.run=" + runId, "--network", network(), "--restart", "unless-stopped",
					"--log-driver", "json-file", "--log-opt", "max-size=100m", "--log-opt", "max-file=3", "--add-host",
					"host.docker.internal:host-gateway", "-e", "daeploy.name=" + name, "-e", "daeploy.version=" + VERSION,
					"-e", "DAEPLOY_MANAGER_URL=http://host.docker.internal:5080", "-e",
					"DAEPLOY_MANAGER_HOSTNAME=localhost", "--expose", "8000"));
		}
		args.addAll(List.of("-p", "127.0.0.1::8000", IMAGE));
		long t0 = System.nanoTime();
		String id = docker(args.toArray(new String[0])).trim();
		baselineContainers.add(id);
		long t1 = System.nanoTime();
		String address = lines(docker("port", id, "8000")).stream()
			.filter((l) -> l.startsWith("127.0.0.1:"))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("docker port " + id + " shows no 127.0.0.1 binding"));
		long t2 = System.nanoTime();
		awaitHttp200(address);
		long t3 = System.nanoTime();
		return new DeployTiming(ms(t3 - t0), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), id);
	}

	/** Polls GET http://address/ every {@link #pollMs} until it answers 200: identical for both sides. */
	static void awaitHttp200(String address) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + "/"))
			.timeout(Duration.ofSeconds(2))
			.GET()
			.build();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			try {
				if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet (refused, or docker-proxy closed the connection)
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("http://" + address + "/ did not answer 200 within 30 s");
			}
			Thread.sleep(pollMs);
		}
	}

	static void deployBackground(Manager m, int from, int to) throws Exception {
		long t0 = System.nanoTime();
		forEachParallel(from, to, (i) -> m.deploy("bench_bg_" + i));
		double s = secondsSince(t0);
		int total = m.services().size();
		if (total != to) {
			throw new IllegalStateException("expected " + to + " services after deploying, the manager lists " + total);
		}
		say(String.format(Locale.ROOT, "  deployed %d background services through the manager (%d at a time) in %.1f s (%.0f ms each); %d now",
				to - from, parallel, s, 1000 * s / Math.max(1, to - from), total));
	}

	static void killBackground(Manager m, int from, int to) throws Exception {
		long t0 = System.nanoTime();
		forEachParallel(from, to, (i) -> m.kill("bench_bg_" + i));
		say(String.format(Locale.ROOT, "  killed %d background services through the manager in %.1f s", to - from,
				secondsSince(t0)));
	}

	interface IntTask {

		void run(int i) throws Exception;

	}

	static void forEachParallel(int from, int to, IntTask task) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(parallel);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = from; i < to; i++) {
				int index = i;
				futures.add(pool.submit(() -> {
					task.run(index);
					return null;
				}));
			}
			for (Future<?> f : futures) {
				f.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	// ---- figure 3 ----

	record ListResult(int services, List<Double> manager, List<Double> engine, List<Double> floor,
			double callsPerList, Map<String, Double> endpointsPerList, double cpuMsPerList, double floorCpuMs) {
	}

	static final String LIST = "{ services { name version state } }";

	/** No store, no runtime: what the HTTP + GraphQL stack alone costs per request. */
	static final String FLOOR = "{ manager { version } }";

	static ListResult listPhase(Manager m, String instance, int expected) throws Exception {
		String filters = "{\"label\":[\"daeploy.type=service\",\"daeploy.instance=" + instance + "\"]}";
		String path = "/containers/json?all=1&filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8);
		String body = Json.write(Map.of("query", LIST));
		List<Double> mgr = new ArrayList<>();
		List<Double> eng = new ArrayList<>();
		try (EngineClient engine = new EngineClient(engineSock)) {
			int warm = Math.max(10, listRounds / 10);
			String floorWarm = Json.write(Map.of("query", FLOOR));
			for (int i = 0; i < warm; i++) {
				m.post(body);
				engine.get(path);
				m.post(floorWarm);
			}
			int engineCount = ((List<?>) Json.parse(new String(engine.get(path), StandardCharsets.UTF_8))).size();
			if (engineCount != expected) {
				throw new IllegalStateException("the engine lists " + engineCount + " containers, expected " + expected);
			}
			// the manager's Docker calls are counted over the list calls only; the floor query
			// (no store, no runtime) runs in a separate loop so it cannot add to them
			Map<String, Long> e0 = relay.endpoints();
			long c0 = relay.count();
			long cpu0 = m.proc().cpuTicks();
			int notRunning = 0;
			for (int r = 0; r < listRounds; r++) {
				for (int side = 0; side < 2; side++) {
					if ((side == 0) == ((r & 1) == 0)) {
						long t0 = System.nanoTime();
						String answer = m.post(body);
						mgr.add(ms(System.nanoTime() - t0));
						for (Object s : listed(answer, expected)) {
							notRunning += "RUNNING".equals(Json.at(s, "state")) ? 0 : 1;
						}
					}
					else {
						long t0 = System.nanoTime();
						engine.get(path);
						eng.add(ms(System.nanoTime() - t0));
					}
				}
			}
			long calls = relay.count() - c0;
			long cpu = m.proc().cpuTicks() - cpu0;
			Map<String, Long> e1 = relay.endpoints();
			Map<String, Double> perList = new TreeMap<>();
			e1.forEach((k, v) -> {
				long d = v - e0.getOrDefault(k, 0L);
				if (d > 0) {
					perList.put(k, d / (double) listRounds);
				}
			});
			List<Double> floor = new ArrayList<>();
			String floorBody = Json.write(Map.of("query", FLOOR));
			long floorCpu0 = m.proc().cpuTicks();
			int floorRounds = Math.max(30, listRounds / 3);
			for (int r = 0; r < floorRounds; r++) {
				long t0 = System.nanoTime();
				m.post(floorBody);
				floor.add(ms(System.nanoTime() - t0));
			}
			double floorCpuMs = (m.proc().cpuTicks() - floorCpu0) * 10.0 / floorRounds;
			ListResult result = new ListResult(expected, mgr, eng, floor, calls / (double) listRounds, perList,
					cpu * 10.0 / listRounds, floorCpuMs);
			say(String.format(Locale.ROOT,
					"  %d alternating rounds: manager p50 %.2f ms p99 %.2f ms | engine GET /containers/json p50 %.2f ms p99 %.2f ms | Docker calls per list %.2f %s | manager CPU %.2f ms per list | floor query %s p50 %.2f ms, CPU %.2f ms%s",
					listRounds, median(mgr), percentile(mgr, 99), median(eng), percentile(eng, 99), result.callsPerList(),
					perList, result.cpuMsPerList(), FLOOR, median(floor), floorCpuMs,
					(notRunning > 0) ? " | WARNING " + notRunning + " entries not RUNNING" : ""));
			return result;
		}
	}

	/** The services a list answer names, after checking there are as many as deployed. */
	static List<?> listed(String answer, int expected) {
		List<?> services = (List<?>) Json.at(Json.parse(answer), "data", "services");
		if (services == null || services.size() != expected) {
			throw new IllegalStateException("services lists " + ((services == null) ? "nothing"
					: services.size() + " entries") + ", expected " + expected + ": " + abbreviate(answer));
		}
		return services;
	}

	// ---- figure 5 ----

	record StartResult(List<Double> stored, List<Double> storedFirstAnswer, List<Double> empty,
			List<Double> emptyFirstAnswer) {
	}

	static StartResult restartPhase(Path data, String instance) throws Exception {
		Path emptyData = Files.createDirectories(work.resolve("data-empty"));
		String emptyInstance = instance + "-empty";
		// first start of the empty data dir creates its database: uncounted, so both sides start on an existing DB
		Manager warm = Manager.start("empty-first", emptyData, emptyInstance);
		warm.awaitRuntimeAvailable(Duration.ofSeconds(120)); // logs in: later starts reuse the token
		warm.awaitServices(0, Duration.ofSeconds(120));
		warm.stop();
		StartResult result = new StartResult(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		for (int r = 0; r < restartRounds; r++) {
			boolean storedFirst = (r & 1) == 0;
			double[] s = null;
			double[] e = null;
			for (int side = 0; side < 2; side++) {
				Thread.sleep(500); // let the engine and the page cache settle after the last stop
				if ((side == 0) == storedFirst) {
					Manager mm = Manager.start("restart-" + (r + 1), data, instance);
					s = mm.awaitServices(bgMid, Duration.ofSeconds(120));
					mm.stop();
				}
				else {
					Manager mm = Manager.start("empty-" + (r + 1), emptyData, emptyInstance);
					e = mm.awaitServices(0, Duration.ofSeconds(120));
					mm.stop();
				}
			}
			result.stored().add(s[1]);
			result.storedFirstAnswer().add(s[0]);
			result.empty().add(e[1]);
			result.emptyFirstAnswer().add(e[0]);
			say(String.format(Locale.ROOT,
					"  round %d (%s first): %d stored: first answer %.2f s, %d listed %.2f s | empty store: first answer %.2f s, ready %.2f s",
					r + 1, storedFirst ? "stored" : "empty", bgMid, s[0], bgMid, s[1], e[0], e[1]));
		}
		return result;
	}

	// =====================================================================================
	// Report
	// =====================================================================================

	record Row(String fig, String what, String measured, String baseline, String ratio, String goal, String verdict) {
	}

	static void addDeployRows(Phase at0) {
		double m0 = median(at0.mgrDeploy);
		double d0 = median(at0.dockDeploy);
		double e0 = median(at0.eqDeploy);
		rows.add(new Row("1", "deploy -> HTTP 200, median of " + at0.mgrDeploy.size(), fmtMs(m0),
				fmtMs(d0) + " docker run", ratio(m0 / d0), "<= " + GOAL_DEPLOY_RATIO,
				verdict(m0 / d0 <= GOAL_DEPLOY_RATIO)));
		rows.add(new Row("1b", "  same, baseline with the manager's options", fmtMs(m0), fmtMs(e0) + " docker run (eq)",
				ratio(m0 / e0), "context", ""));
		double mk = median(at0.mgrKill);
		double ek = median(at0.eqKill);
		double dk = median(at0.dockKill);
		rows.add(new Row("4", "kill, median of " + at0.mgrKill.size(), fmtMs(mk), fmtMs(ek) + " docker rm -f (eq)",
				ratio(mk / ek), "<= " + GOAL_KILL_RATIO, verdict(mk / ek <= GOAL_KILL_RATIO)));
		rows.add(new Row("4b", "  same, baseline a plain docker run container", fmtMs(mk), fmtMs(dk) + " docker rm -f",
				ratio(mk / dk), "context", ""));
		phaseDetails(at0);
	}

	static void addDeployRows(Phase at0, Phase at50) {
		double m0 = median(at0.mgrDeploy);
		double d0 = median(at0.dockDeploy);
		double m50 = median(at50.mgrDeploy);
		double d50 = median(at50.dockDeploy);
		rows.add(new Row("2", "manager deploy at " + at50.background + " / at " + at0.background + " running", fmtMs(m50),
				fmtMs(m0) + " at " + at0.background, ratio(m50 / m0), "flat (<= " + GOAL_FLAT_RATIO + ")",
				verdict(m50 / m0 <= GOAL_FLAT_RATIO)));
		rows.add(new Row("2b", "  docker run at " + at50.background + " / at " + at0.background + " (engine drift)",
				fmtMs(d50), fmtMs(d0) + " at " + at0.background, ratio(d50 / d0), "context", ""));
		double norm = (m50 / m0) / (d50 / d0);
		rows.add(new Row("2c", "  manager drift / engine drift", "", "", ratio(norm), "context", ""));
		rows.add(new Row("2d", "  manager / docker run at " + at50.background, fmtMs(m50), fmtMs(d50) + " docker run",
				ratio(m50 / d50), "context", ""));
		double mk50 = median(at50.mgrKill);
		double ek50 = median(at50.eqKill);
		rows.add(new Row("4c", "  kill with " + at50.background + " running", fmtMs(mk50), fmtMs(ek50) + " docker rm -f (eq)",
				ratio(mk50 / ek50), "<= " + GOAL_KILL_RATIO, verdict(mk50 / ek50 <= GOAL_KILL_RATIO)));
		phaseDetails(at50);
	}

	static void phaseDetails(Phase p) {
		String at = " at " + p.background + ", ms: ";
		detail("deploy samples" + at + "manager   " + fmtList(p.mgrDeploy));
		detail("deploy samples" + at + "docker    " + fmtList(p.dockDeploy));
		detail("deploy samples" + at + "docker-eq " + fmtList(p.eqDeploy));
		detail(String.format(Locale.ROOT,
				"deploy step medians at %d: manager mutation %.1f + inspection query %.1f + http %.1f; docker run %.1f + port %.1f + http %.1f; docker-eq run %.1f",
				p.background, median(p.mgrMutation), median(p.mgrInspect), median(p.mgrHttp), median(p.dockRun),
				median(p.dockPort), median(p.dockHttp), median(p.eqRun)));
		detail("kill samples" + at + "manager   " + fmtList(p.mgrKill));
		detail("kill samples" + at + "docker    " + fmtList(p.dockKill));
		detail("kill samples" + at + "docker-eq " + fmtList(p.eqKill));
	}

	static final int FLOOR_CLIENTS = parallel;

	/**
	 * Figure 3c: the manager's CPU per trivial query once the JIT has compiled the request
	 * path, read from /proc ticks over {@link #floorCpuCalls} calls sent by
	 * {@link #FLOOR_CLIENTS} keep-alive clients at once (as a dashboard and a few CLIs would),
	 * after {@link #floorWarmCalls} and again after {@link #floorLongWarmCalls} calls.
	 */
	static void floorCpuPhase(Manager m) throws Exception {
		String body = Json.write(Map.of("query", FLOOR));
		int done = 0;
		for (int warmTo : new int[] { floorWarmCalls, floorLongWarmCalls }) {
			floorCalls(m, body, warmTo - done);
			done = warmTo;
			long cpu0 = m.proc().cpuTicks();
			long t0 = System.nanoTime();
			floorCalls(m, body, floorCpuCalls);
			double wall = (System.nanoTime() - t0) / 1e9;
			double cpuMs = (m.proc().cpuTicks() - cpu0) * 10.0 / floorCpuCalls;
			done += floorCpuCalls;
			say(String.format(Locale.ROOT, "  after %d warm-up calls: %.3f ms CPU per query, %.0f queries/s", warmTo,
					cpuMs, floorCpuCalls / wall));
			rows.add(new Row("3c", "  floor CPU per query after " + warmTo + " calls", fmtMs3(cpuMs), "", "",
					"<= " + GOAL_FLOOR_CPU_MS + " ms", verdict(cpuMs <= GOAL_FLOOR_CPU_MS)));
		}
	}

	/**
	 * Figure 3d: figure 3's list once the JIT has compiled the list's path, as on a
	 * manager that has been serving a dashboard for a while: {@link #listWarmCalls} list
	 * calls from one client, then {@link #listRounds} measured ones (latency of each, CPU
	 * over all). Figure 3 itself measures the first calls after the deploys, which the
	 * JIT's compiling dominates on 2 cores.
	 */
	static void warmListPhase(Manager m, int expected) throws Exception {
		String body = Json.write(Map.of("query", LIST));
		for (int i = 0; i < listWarmCalls; i++) {
			m.post(body);
		}
		List<Double> latencies = new ArrayList<>();
		long cpu0 = m.proc().cpuTicks();
		for (int i = 0; i < listRounds; i++) {
			long t0 = System.nanoTime();
			String answer = m.post(body);
			latencies.add(ms(System.nanoTime() - t0));
			listed(answer, expected);
		}
		double cpuMs = (m.proc().cpuTicks() - cpu0) * 10.0 / listRounds;
		double p50 = median(latencies);
		say(String.format(Locale.ROOT, "  %d calls: p50 %.2f ms p99 %.2f ms, manager CPU %.2f ms per list", listRounds,
				p50, percentile(latencies, 99), cpuMs));
		rows.add(new Row("3d", "  list p50 at " + expected + " after " + listWarmCalls + " lists", fmtMs2(p50), "", "",
				"p50 <= " + GOAL_LIST_P50_MS + " ms", verdict(p50 <= GOAL_LIST_P50_MS)));
		rows.add(new Row("3d", "  CPU per list at " + expected + ", the same", fmtMs2(cpuMs), "", "",
				"<= " + GOAL_LIST_CPU_MS + " ms", verdict(cpuMs <= GOAL_LIST_CPU_MS)));
	}

	static void floorCalls(Manager m, String body, int calls) throws Exception {
		// forEachParallel runs on `parallel` threads; the figure names FLOOR_CLIENTS
		forEachParallel(0, calls, (call) -> m.post(body));
	}

	static void addListRows(ListResult small, ListResult large, double idleCallRate) {
		double p50 = median(large.manager());
		double e50 = median(large.engine());
		rows.add(new Row("3", "services list p50 at " + large.services(), fmtMs2(p50), fmtMs2(e50) + " engine list",
				ratio(p50 / e50), "p50 <= " + GOAL_LIST_P50_MS + " ms", verdict(p50 <= GOAL_LIST_P50_MS)));
		double p99 = percentile(large.manager(), 99);
		double e99 = percentile(large.engine(), 99);
		rows.add(new Row("3", "services list p99 at " + large.services(), fmtMs2(p99), fmtMs2(e99) + " engine list",
				ratio(p99 / e99), "context", ""));
		double s50 = median(small.manager());
		double se50 = median(small.engine());
		rows.add(new Row("3", "services list p50 at " + small.services(), fmtMs2(s50), fmtMs2(se50) + " engine list",
				ratio(s50 / se50), "p50 <= " + GOAL_LIST_P50_MS + " ms", verdict(s50 <= GOAL_LIST_P50_MS)));
		rows.add(new Row("3", "Docker API calls per list, at " + large.services() + " / at " + small.services(),
				fmt2(large.callsPerList()), fmt2(small.callsPerList()) + " at " + small.services(),
				ratio(large.callsPerList() / small.callsPerList()), "same number",
				verdict(Math.round(large.callsPerList() * 100) == Math.round(small.callsPerList() * 100))));
		rows.add(new Row("3", "  CPU per list at " + large.services(), fmtMs2(large.cpuMsPerList()), "", "",
				"<= " + GOAL_LIST_CPU_MS + " ms", verdict(large.cpuMsPerList() <= GOAL_LIST_CPU_MS)));
		rows.add(new Row("3b", "  floor: " + FLOOR + " p50", fmtMs2(median(large.floor())), "", "", "context", ""));
		detail(String.format(Locale.ROOT, "figure 3 floor query %s p50: %.2f ms at %d, %.2f ms at %d", FLOOR,
				median(small.floor()), small.services(), median(large.floor()), large.services()));
		detail(String.format(Locale.ROOT,
				"figure 3 manager CPU per list call: %.2f ms at %d, %.2f ms at %d; per floor query: %.2f ms, %.2f ms (/proc ticks of 10 ms)",
				small.cpuMsPerList(), small.services(), large.cpuMsPerList(), large.services(), small.floorCpuMs(),
				large.floorCpuMs()));
		detail("figure 3 Docker calls per list by endpoint at " + small.services() + ": " + small.endpointsPerList());
		detail("figure 3 Docker calls per list by endpoint at " + large.services() + ": " + large.endpointsPerList());
		detail(String.format(Locale.ROOT, "figure 3 Docker calls per second while idle (background, included above): %.2f",
				idleCallRate));
		detail(String.format(Locale.ROOT, "figure 3 at %d: manager p50 %.2f p90 %.2f p99 %.2f max %.2f ms; engine p50 %.2f p90 %.2f p99 %.2f max %.2f ms",
				large.services(), median(large.manager()), percentile(large.manager(), 90), p99, max(large.manager()),
				e50, percentile(large.engine(), 90), e99, max(large.engine())));
	}

	static void addRssRow(Proc idle) {
		rows.add(new Row("6", "idle RSS after start + " + idleSeconds + " s", fmtMb(idle.rssMb()), "goal " + GOAL_RSS_MB + " MB",
				ratio(idle.rssMb() / GOAL_RSS_MB), "<= " + GOAL_RSS_MB + " MB", verdict(idle.rssMb() <= GOAL_RSS_MB)));
		detail("figure 6 idle: " + idle.breakdown());
	}

	static void addLoadedRssRow(Proc loaded) {
		rows.add(new Row("6", "RSS after the " + bgLarge + "-service list load", fmtMb(loaded.rssMb()),
				"goal " + GOAL_LOADED_RSS_MB + " MB", ratio(loaded.rssMb() / GOAL_LOADED_RSS_MB),
				"<= " + GOAL_LOADED_RSS_MB + " MB", verdict(loaded.rssMb() <= GOAL_LOADED_RSS_MB)));
		detail("figure 6 after the list load: " + loaded.breakdown());
	}

	static void addStartRows(StartResult r) {
		double s = median(r.stored());
		double e = median(r.empty());
		rows.add(new Row("5", "start -> " + bgMid + " listed, median of " + r.stored().size(), fmtS(s),
				fmtS(e) + " empty store", ratio(s / e), "<= " + GOAL_START_S + " s", verdict(s <= GOAL_START_S)));
		detail("figure 5 samples, " + bgMid + " stored, s: " + fmtList(r.stored()) + " (first answer: "
				+ fmtList(r.storedFirstAnswer()) + ")");
		detail("figure 5 samples, empty store, s: " + fmtList(r.empty()) + " (first answer: "
				+ fmtList(r.emptyFirstAnswer()) + ")");
	}

	static void report(Throwable failure) {
		StringBuilder out = new StringBuilder();
		out.append("Daeploy Manager benchmark, ")
			.append(DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
			.append(quick ? "  QUICK RUN (smaller counts, not comparable)" : "")
			.append('\n');
		out.append("jar ").append(jar).append(" (modified ").append(jarModified).append(')');
		out.append(", git ").append(gitRevision()).append('\n');
		out.append("JAVA_OPTS ").append(String.join(" ", (javaOpts != null) ? javaOpts : List.of())).append(" [")
			.append(javaOptsSource).append("]\n");
		out.append("auth: ").append(authMode).append('\n');
		out.append(Runtime.getRuntime().availableProcessors()).append(" cores; poll interval ").append(pollMs)
			.append(" ms; ratio = measured / baseline (both measured in this run, alternating)\n\n");
		List<Row> all = new ArrayList<>();
		all.add(new Row("#", "figure", "measured", "baseline", "ratio", "goal", "verdict"));
		List<Row> sorted = new ArrayList<>(rows);
		sorted.sort(Comparator.comparingInt((Row r) -> Integer.parseInt(r.fig().replaceAll("\\D.*", ""))));
		all.addAll(sorted);
		int[] w = new int[7];
		for (Row r : all) {
			String[] c = cells(r);
			for (int i = 0; i < 7; i++) {
				w[i] = Math.max(w[i], c[i].length());
			}
		}
		for (int k = 0; k < all.size(); k++) {
			String[] c = cells(all.get(k));
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < 7; i++) {
				boolean right = (i == 2 || i == 4);
				String cell = right ? pad(c[i], w[i], true) : pad(c[i], w[i], false);
				line.append(cell).append((i < 6) ? "  " : "");
			}
			out.append(line.toString().stripTrailing()).append('\n');
			if (k == 0) {
				out.append("-".repeat(Arrays.stream(w).sum() + 12)).append('\n');
			}
		}
		if (rows.isEmpty()) {
			out.append("(no figures)\n");
		}
		if (failure != null) {
			out.append("\nINCOMPLETE: the run failed: ").append(failure).append('\n');
		}
		int cores = Runtime.getRuntime().availableProcessors();
		out.append("\nload average (1 5 15 min) at each section: ").append(String.join(" | ", loads)).append('\n');
		if (maxLoad1() > cores) {
			out.append(String.format(Locale.ROOT,
					"WARNING: the machine was busy (1-min load up to %.1f on %d cores): ratios hold up (the sides alternate),%n"
							+ "         absolute figures (list ms, start s) are inflated. Re-run on a quiet machine for those.%n",
					maxLoad1(), cores));
		}
		out.append(String.format(Locale.ROOT, "\nbench time %.0f s\n", secondsSince(benchStart)));
		if (details.length() > 0) {
			out.append("\nDetails\n").append(details);
		}
		System.out.println();
		System.out.println("=".repeat(100));
		System.out.print(out);
		try {
			Path target = resultsDir.resolve("latest.txt");
			Path tmp = resultsDir.resolve("latest.txt.tmp");
			Files.writeString(tmp, out);
			Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			System.out.println("\nwritten to " + root.relativize(target) + "; manager logs in " + root.relativize(logsDir));
		}
		catch (IOException ex) {
			System.err.println("could not write results: " + ex);
		}
	}

	static String[] cells(Row r) {
		return new String[] { r.fig(), r.what(), r.measured(), r.baseline(), r.ratio(), r.goal(), r.verdict() };
	}

	static String pad(String s, int w, boolean right) {
		String fill = " ".repeat(Math.max(0, w - s.length()));
		return right ? fill + s : s + fill;
	}

	static String verdict(boolean ok) {
		return ok ? "ok" : "MISSED";
	}

	static String ratio(double r) {
		return (Double.isFinite(r)) ? String.format(Locale.ROOT, "%.2f", r) : "n/a";
	}

	static String fmtMs(double v) {
		return String.format(Locale.ROOT, "%.1f ms", v);
	}

	static String fmtMs3(double v) {
		return String.format(Locale.ROOT, "%.3f ms", v);
	}

	static String fmtMs2(double v) {
		return String.format(Locale.ROOT, "%.2f ms", v);
	}

	static String fmtS(double v) {
		return String.format(Locale.ROOT, "%.2f s", v);
	}

	static String fmtMb(double v) {
		return String.format(Locale.ROOT, "%.1f MB", v);
	}

	static String fmt2(double v) {
		return String.format(Locale.ROOT, "%.2f", v);
	}

	static String fmtList(List<Double> values) {
		StringBuilder b = new StringBuilder();
		for (double v : values) {
			b.append((b.length() > 0) ? " " : "").append(String.format(Locale.ROOT, "%.1f", v));
		}
		return b.toString();
	}

	static String gitRevision() {
		try {
			Process p = new ProcessBuilder("git", "-C", root.toString(), "describe", "--always", "--dirty")
				.redirectErrorStream(true)
				.start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return (p.waitFor() == 0) ? out : "unknown (no commit yet)";
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	// =====================================================================================
	// Cleanup
	// =====================================================================================

	static void cleanup() {
		if (!cleaned.compareAndSet(false, true)) {
			return;
		}
		List<Manager> running;
		synchronized (managers) {
			running = new ArrayList<>(managers);
		}
		for (Manager m : running) {
			m.stopQuietly();
		}
		try {
			Set<String> ids = new LinkedHashSet<>(baselineContainers);
			for (String instance : instances) {
				ids.addAll(lines(docker("ps", "-aq", "--no-trunc", "--filter", "label=daeploy.instance=" + instance)));
			}
			for (String id : lines(docker("ps", "-aq", "--no-trunc", "--filter", "label=" + TEST_LABEL + "=" + TEST_VALUE))) {
				if (!preexisting.contains(id)) {
					ids.add(id);
				}
			}
			if (!ids.isEmpty()) {
				long t0 = System.nanoTime();
				List<String> list = new ArrayList<>(ids);
				for (int i = 0; i < list.size(); i += 50) {
					List<String> cmd = new ArrayList<>(List.of("rm", "-f"));
					cmd.addAll(list.subList(i, Math.min(list.size(), i + 50)));
					try {
						docker(cmd.toArray(new String[0]));
					}
					catch (Exception ex) {
						System.err.println("cleanup: " + ex.getMessage());
					}
				}
				System.out.printf(Locale.ROOT, "cleanup: removed %d container(s) in %.1f s%n", ids.size(),
						secondsSince(t0));
			}
		}
		catch (Exception ex) {
			System.err.println("cleanup: could not list containers: " + ex);
		}
		if (relay != null) {
			relay.close();
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
	// The manager process
	// =====================================================================================

	record Proc(long rssKb, long hwmKb, long anonKb, long fileKb, int threads, long cpuTicks) {

		String breakdown() {
			return String.format(Locale.ROOT, "VmRSS %.1f MB (anon %.1f, file %.1f), VmHWM %.1f MB, %d threads",
					rssMb(), this.anonKb / 1024.0, this.fileKb / 1024.0, hwmMb(), this.threads);
		}

		double rssMb() {
			return this.rssKb / 1024.0;
		}

		double hwmMb() {
			return this.hwmKb / 1024.0;
		}

	}

	static final class Manager {

		final String label;

		final Process process;

		final long startNanos;

		final int port;

		final URI graphql;

		final Path log;

		final Path dataDir;

		volatile String token;

		Manager(String label, Process process, long startNanos, int port, Path log, Path dataDir) {
			this.label = label;
			this.process = process;
			this.startNanos = startNanos;
			this.port = port;
			this.graphql = URI.create("http://127.0.0.1:" + port + "/graphql");
			this.log = log;
			this.dataDir = dataDir;
		}

		/**
		 * Logs in as admin when this build has {@code login}; every later call then sends
		 * the session token, so the bench measures the manager with authentication as it
		 * ships. Builds without it are measured without a token.
		 */
		void login() throws IOException, InterruptedException {
			Map<String, Object> request = new LinkedHashMap<>();
			request.put("query", "mutation($input: LoginInput!) { login(input: $input) { token } }");
			request.put("variables", Map.of("input", Map.of("username", "admin", "password", adminPassword)));
			String saved = this.token;
			this.token = null;
			Object answer = Json.parse(post(Json.write(request)));
			Object token = Json.at(answer, "data", "login", "token");
			if (token instanceof String t) {
				this.token = t;
				tokens.put(this.dataDir, t);
				authMode = "logged in as admin; every call sends its session token";
				return;
			}
			String errors = Json.write(Json.at(answer, "errors"));
			if (errors.contains("login") && (errors.contains("FieldUndefined") || errors.contains("ValidationError")
					|| errors.contains("undefined"))) {
				this.token = saved;
				authMode = "this build has no login: calls carry no token";
				return;
			}
			throw new GraphQlFailure("login as admin failed: " + abbreviate(errors));
		}

		static Manager start(String label, Path dataDir, String instance) throws IOException {
			instances.add(instance);
			int port = freePort();
			List<String> cmd = new ArrayList<>();
			cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			cmd.addAll(javaOpts);
			cmd.add("-jar");
			cmd.add(runJar.toString());
			cmd.add("--server.port=" + port);
			cmd.add("--daeploy.data-dir=" + dataDir);
			cmd.add("--daeploy.instance=" + instance);
			cmd.add("--daeploy.docker.host=unix://" + relaySock);
			// keep the proxy ports of this manager away from any other manager on the machine
			cmd.add("--daeploy.proxy.http-port=" + freePort());
			cmd.add("--daeploy.proxy.https-port=" + freePort());
			cmd.add("--daeploy.admin-password=" + adminPassword);
			cmd.addAll(extraManagerArgs);
			Path log = logsDir.resolve("manager-" + label + ".log");
			ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
			if (mallocArenaMax != null) {
				pb.environment().put("MALLOC_ARENA_MAX", mallocArenaMax);
			}
			long t0 = System.nanoTime();
			Process p = pb.start();
			Manager m = new Manager(label, p, t0, port, log, dataDir);
			m.token = tokens.get(dataDir);
			managers.add(m);
			return m;
		}

		long pid() {
			return this.process.pid();
		}

		/** Waits until {@code runtime { available }} is true; returns seconds since process start. */
		double awaitRuntimeAvailable(Duration timeout) throws Exception {
			long deadline = System.nanoTime() + timeout.toNanos();
			String body = Json.write(Map.of("query", "{ runtime { available message } }"));
			Object last = null;
			boolean loggedIn = false;
			while (System.nanoTime() < deadline) {
				checkAlive();
				try {
					Object answer = Json.parse(post(body));
					last = answer;
					if (!loggedIn) {
						loggedIn = true;
						login();
						continue;
					}
					if (Boolean.TRUE.equals(Json.at(answer, "data", "runtime", "available"))) {
						return secondsSince(this.startNanos);
					}
				}
				catch (GraphQlFailure ex) {
					throw ex;
				}
				catch (IOException ex) {
					// not listening yet
				}
				Thread.sleep(20);
			}
			throw new IllegalStateException("manager " + this.label + " not ready within " + timeout.toSeconds()
					+ " s; last answer " + last + "\n" + tail());
		}

		/**
		 * Polls {@code { services { name } }} every 10 ms until it lists {@code expected}
		 * entries; returns {seconds to the first answer, seconds to the expected list},
		 * both since process start.
		 */
		double[] awaitServices(int expected, Duration timeout) throws Exception {
			long deadline = System.nanoTime() + timeout.toNanos();
			String body = Json.write(Map.of("query", "{ services { name } }"));
			double first = -1;
			String last = null;
			int errorsInRow = 0;
			while (System.nanoTime() < deadline) {
				checkAlive();
				try {
					String answer = post(body);
					if (first < 0) {
						first = secondsSince(this.startNanos);
					}
					last = answer;
					Object parsed = Json.parse(answer);
					Object services = Json.at(parsed, "data", "services");
					if (services instanceof List<?> list && list.size() == expected) {
						return new double[] { first, secondsSince(this.startNanos) };
					}
					if (Json.at(parsed, "errors") != null && ++errorsInRow >= 50) {
						throw new GraphQlFailure("services keeps failing on manager " + this.label + ": "
								+ abbreviate(answer) + " [auth: " + authMode + "]");
					}
				}
				catch (GraphQlFailure ex) {
					throw ex;
				}
				catch (IOException ex) {
					// not listening yet
				}
				Thread.sleep(10);
			}
			throw new IllegalStateException("manager " + this.label + " did not list " + expected + " services within "
					+ timeout.toSeconds() + " s; last answer " + abbreviate(String.valueOf(last)) + "\n" + tail());
		}

		void checkAlive() {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("manager " + this.label + " exited with " + this.process.exitValue()
						+ "\n" + tail());
			}
		}

		String tail() {
			try {
				List<String> lines = Files.readAllLines(this.log);
				return "--- last lines of " + this.log + " ---\n"
						+ String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
			}
			catch (IOException ex) {
				return "(no log: " + ex + ")";
			}
		}

		String post(String body) throws IOException, InterruptedException {
			HttpRequest.Builder builder = HttpRequest.newBuilder(this.graphql)
				.timeout(Duration.ofSeconds(60))
				.header("Content-Type", "application/json")
				.header("Accept", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body));
			String bearer = this.token;
			if (bearer != null) {
				builder.header("Authorization", "Bearer " + bearer);
			}
			HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				String hint = (response.statusCode() == 401 || response.statusCode() == 403)
						? " (authentication refused the harness: " + authMode + ")" : "";
				throw new GraphQlFailure("HTTP " + response.statusCode() + " from " + this.graphql + hint + ": "
						+ abbreviate(response.body()));
			}
			return response.body();
		}

		/** Runs a GraphQL operation; returns its {@code data}, or throws on errors. */
		Object gql(String query, Map<String, Object> variables) throws IOException, InterruptedException {
			Map<String, Object> request = new LinkedHashMap<>();
			request.put("query", query);
			request.put("variables", variables);
			String answer = post(Json.write(request));
			Object parsed = Json.parse(answer);
			Object errors = Json.at(parsed, "errors");
			if (errors instanceof List<?> list && !list.isEmpty()) {
				throw new GraphQlFailure("GraphQL errors: " + abbreviate(Json.write(errors)));
			}
			return Json.at(parsed, "data");
		}

		void deploy(String name) throws IOException, InterruptedException {
			Map<String, Object> input = new LinkedHashMap<>();
			input.put("name", name);
			input.put("version", VERSION);
			input.put("image", IMAGE);
			input.put("port", 8000);
			input.put("labels", List.of(Map.of("key", TEST_LABEL, "value", TEST_VALUE)));
			gql(DEPLOY, Map.of("input", input));
		}

		void kill(String name) throws IOException, InterruptedException {
			gql(KILL, Map.of("input", Map.of("name", name, "version", VERSION)));
		}

		List<?> services() throws IOException, InterruptedException {
			return (List<?>) Json.at(gql("{ services { name } }", Map.of()), "services");
		}

		Proc proc() throws IOException {
			String status = Files.readString(Path.of("/proc/" + pid() + "/status"));
			String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
			// after "pid (comm) ": state is field 3, utime field 14, stime field 15
			long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]);
			return new Proc(statusKb(status, "VmRSS"), statusKb(status, "VmHWM"), statusKb(status, "RssAnon"),
					statusKb(status, "RssFile"), (int) statusKb(status, "Threads"), cpu);
		}

		static long statusKb(String status, String key) {
			Matcher m = Pattern.compile("(?m)^" + key + ":\\s+(\\d+)").matcher(status);
			return m.find() ? Long.parseLong(m.group(1)) : -1;
		}

		/** SIGTERM by PID, then waits; returns the seconds it took to exit. */
		double stop() throws InterruptedException {
			long t0 = System.nanoTime();
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				System.err.println("manager " + this.label + " (pid " + pid() + ") ignored SIGTERM for 30 s; killing it");
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			managers.remove(this);
			return secondsSince(t0);
		}

		void stopQuietly() {
			try {
				if (this.process.isAlive()) {
					stop();
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
			}
		}

	}

	static final class GraphQlFailure extends IOException {

		GraphQlFailure(String message) {
			super(message);
		}

	}

	static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return s.getLocalPort();
		}
	}

	// =====================================================================================
	// Docker CLI and a raw Engine API client (the baselines; never through the relay)
	// =====================================================================================

	static String docker(String... args) throws IOException, InterruptedException {
		List<String> cmd = new ArrayList<>();
		cmd.add("docker");
		cmd.addAll(Arrays.asList(args));
		Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.start();
		// small outputs: read stderr on a helper thread so neither pipe can fill up
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
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		int rc = p.waitFor();
		errReader.join(5000);
		if (rc != 0) {
			throw new IOException("docker " + String.join(" ", args) + " failed (" + rc + "): "
					+ err.toString(StandardCharsets.UTF_8).trim());
		}
		return out;
	}

	static List<String> lines(String s) {
		return s.lines().map(String::trim).filter((l) -> !l.isEmpty()).toList();
	}

	/** Minimal HTTP/1.1 keep-alive client over the engine's unix socket (GET only). */
	static final class EngineClient implements Closeable {

		private final SocketChannel channel;

		private final InputStream in;

		private final OutputStream out;

		EngineClient(Path socket) throws IOException {
			this.channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
			this.in = new BufferedInputStream(Channels.newInputStream(this.channel), 65536);
			this.out = Channels.newOutputStream(this.channel);
		}

		byte[] get(String path) throws IOException {
			this.out.write(("GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: daeploy-bench\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			this.out.flush();
			String status = line();
			long length = -1;
			boolean chunked = false;
			for (String h = line(); !h.isEmpty(); h = line()) {
				String lower = h.toLowerCase(Locale.ROOT);
				if (lower.startsWith("content-length:")) {
					length = Long.parseLong(lower.substring(15).trim());
				}
				else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
					chunked = true;
				}
			}
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			if (chunked) {
				while (true) {
					String size = line();
					int semi = size.indexOf(';');
					int n = Integer.parseInt(((semi >= 0) ? size.substring(0, semi) : size).trim(), 16);
					if (n == 0) {
						while (!line().isEmpty()) {
							// trailers
						}
						break;
					}
					body.write(this.in.readNBytes(n));
					line();
				}
			}
			else if (length >= 0) {
				body.write(this.in.readNBytes((int) length));
			}
			else {
				throw new IOException("engine answer without framing: " + status);
			}
			if (!status.startsWith("HTTP/1.1 200") && !status.startsWith("HTTP/1.0 200")) {
				throw new IOException("engine answered " + status + ": " + body.toString(StandardCharsets.UTF_8));
			}
			return body.toByteArray();
		}

		private String line() throws IOException {
			StringBuilder b = new StringBuilder();
			while (true) {
				int c = this.in.read();
				if (c < 0) {
					throw new IOException("engine closed the connection");
				}
				if (c == '\n') {
					int len = b.length();
					return (len > 0 && b.charAt(len - 1) == '\r') ? b.substring(0, len - 1) : b.toString();
				}
				b.append((char) c);
			}
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
		}

	}

	// =====================================================================================
	// The counting relay: manager -> relay socket -> engine socket
	// =====================================================================================

	static final class Relay implements Closeable {

		static final Pattern REQUEST_LINE = Pattern.compile("^(GET|POST|DELETE|PUT|HEAD) (/\\S*)");

		final Path listen;

		final Path target;

		final AtomicLong requests = new AtomicLong();

		final ConcurrentHashMap<String, LongAdder> byEndpoint = new ConcurrentHashMap<>();

		final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

		volatile boolean closed;

		ServerSocketChannel server;

		Relay(Path listen, Path target) {
			this.listen = listen;
			this.target = target;
		}

		void start() throws IOException {
			Files.deleteIfExists(this.listen);
			this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			this.server.bind(UnixDomainSocketAddress.of(this.listen));
			daemon("relay-accept", () -> {
				while (!this.closed) {
					try {
						connect(this.server.accept());
					}
					catch (IOException ex) {
						if (this.closed) {
							return;
						}
					}
				}
			});
		}

		long count() {
			return this.requests.get();
		}

		Map<String, Long> endpoints() {
			Map<String, Long> copy = new HashMap<>();
			this.byEndpoint.forEach((k, v) -> copy.put(k, v.sum()));
			return copy;
		}

		private void connect(SocketChannel client) {
			SocketChannel engine;
			try {
				engine = SocketChannel.open(UnixDomainSocketAddress.of(this.target));
			}
			catch (IOException ex) {
				closeQuietly(client);
				return;
			}
			this.open.add(client);
			this.open.add(engine);
			AtomicInteger done = new AtomicInteger();
			Runnable finish = () -> {
				if (done.incrementAndGet() == 2) {
					closeQuietly(client);
					closeQuietly(engine);
					this.open.remove(client);
					this.open.remove(engine);
				}
			};
			daemon("relay-up", () -> pump(client, engine, new LineCounter(), finish));
			daemon("relay-down", () -> pump(engine, client, null, finish));
		}

		private void pump(SocketChannel from, SocketChannel to, LineCounter counter, Runnable finish) {
			ByteBuffer buffer = ByteBuffer.allocate(32 * 1024);
			try {
				while (from.read(buffer) >= 0) {
					buffer.flip();
					if (counter != null) {
						counter.scan(buffer);
					}
					while (buffer.hasRemaining()) {
						to.write(buffer);
					}
					buffer.clear();
				}
				to.shutdownOutput();
			}
			catch (IOException ex) {
				closeQuietly(from);
				closeQuietly(to);
			}
			finally {
				finish.run();
			}
		}

		/** Counts request lines in the client-to-engine byte stream, across buffer boundaries. */
		final class LineCounter {

			private final byte[] line = new byte[512];

			private int length;

			void scan(ByteBuffer buffer) {
				for (int i = buffer.position(); i < buffer.limit(); i++) {
					byte b = buffer.get(i);
					if (b == '\n') {
						endOfLine();
					}
					else if (this.length < this.line.length) {
						this.line[this.length++] = b;
					}
				}
			}

			private void endOfLine() {
				int n = this.length;
				this.length = 0;
				if (n < 5) {
					return;
				}
				byte first = this.line[0];
				if (first != 'G' && first != 'P' && first != 'D' && first != 'H') {
					return;
				}
				Matcher m = REQUEST_LINE.matcher(new String(this.line, 0, n, StandardCharsets.ISO_8859_1));
				if (m.find()) {
					Relay.this.requests.incrementAndGet();
					Relay.this.byEndpoint.computeIfAbsent(m.group(1) + " " + normalize(m.group(2)), (k) -> new LongAdder())
						.increment();
				}
			}

		}

		/** {@code /v1.41/containers/abc/json?x} becomes {@code /containers/{id}/json}. */
		static String normalize(String path) {
			int q = path.indexOf('?');
			String p = (q >= 0) ? path.substring(0, q) : path;
			p = p.replaceFirst("^/v[0-9.]+/", "/");
			String[] segments = p.split("/");
			Set<String> collections = Set.of("containers", "images", "networks", "volumes", "exec");
			Set<String> verbs = Set.of("json", "create", "prune", "load", "search", "get");
			for (int i = 1; i < segments.length; i++) {
				if (collections.contains(segments[i - 1]) && !verbs.contains(segments[i])) {
					segments[i] = "{id}";
				}
			}
			return String.join("/", segments);
		}

		@Override
		public void close() {
			this.closed = true;
			closeQuietly(this.server);
			for (SocketChannel c : this.open) {
				closeQuietly(c);
			}
			try {
				Files.deleteIfExists(this.listen);
			}
			catch (IOException ex) {
				// best effort
			}
		}

	}

	static void daemon(String name, Runnable body) {
		Thread t = new Thread(body, name);
		t.setDaemon(true);
		t.start();
	}

	static void closeQuietly(Closeable c) {
		try {
			if (c != null) {
				c.close();
			}
		}
		catch (IOException ex) {
			// ignore
		}
	}

	// =====================================================================================
	// Statistics and small helpers
	// =====================================================================================

	interface Action {

		void run() throws Exception;

	}

	static double timed(Action action) throws Exception {
		long t0 = System.nanoTime();
		action.run();
		return ms(System.nanoTime() - t0);
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

	static double max(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
	}

	static void section(String title) {
		String load = loadavg();
		loads.add(load);
		say(String.format(Locale.ROOT, "%n[%5.0f s] %s   (load average %s)", secondsSince(benchStart), title, load));
	}

	static final List<String> loads = new ArrayList<>();

	/** The 1, 5 and 15 minute load averages: other work on the machine skews absolute figures. */
	static String loadavg() {
		try {
			String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return f[0] + " " + f[1] + " " + f[2];
		}
		catch (IOException ex) {
			return "?";
		}
	}

	static double maxLoad1() {
		double max = 0;
		for (String l : loads) {
			try {
				max = Math.max(max, Double.parseDouble(l.split(" ")[0]));
			}
			catch (NumberFormatException ex) {
				// "?"
			}
		}
		return max;
	}

	static void say(String line) {
		System.out.println(line);
		System.out.flush();
	}

	static void detail(String line) {
		details.append(line).append('\n');
	}

	static String abbreviate(String s) {
		return (s.length() > 600) ? s.substring(0, 600) + "..." : s;
	}

	// =====================================================================================
	// JSON (just enough for GraphQL and the Engine API)
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
