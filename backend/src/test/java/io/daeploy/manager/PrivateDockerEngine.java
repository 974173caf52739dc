package io.daeploy.manager;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A Docker engine of the test's own, beside the shared one on
 * {@code /var/run/docker.sock} (which it never touches), for tests that stop and start an
 * engine under a running manager. It is a {@code dockerd} child process of the test JVM
 * with its own socket, data root, exec root and containerd, all in one temporary
 * directory. {@link #stop()} and {@link #start()} restart it on the same data root, so
 * images, containers and networks survive as on a real engine restart (running containers
 * are stopped by the restart, as on an engine without live-restore). Needs root, as
 * {@code dockerd} does.
 * <p>
 * What lets the two engines coexist:
 * <ul>
 * <li>{@code --iptables=false --ip-masq=false --ip-forward=false}: the shared engine owns
 * the {@code DOCKER*} iptables chains, which a second engine would rebuild, and the
 * {@code ip_forward} setting. Published ports still work, through the userland proxy
 * alone ({@code docker-proxy}, a child of {@code dockerd}, binds the host port and
 * forwards to the container): with {@code --userland-proxy=false} as well, a port is
 * reported published but nothing listens on it.</li>
 * <li>{@code --bridge=<its own bridge>}: a default bridge of its own, made before it
 * starts and deleted after it stops. Not {@code --bridge=none}: an engine started with
 * that deletes the host's {@code docker0} (dockerd's
 * {@code removeDefaultBridgeInterface}), which breaks the shared engine's default
 * network. Its user-defined networks take their subnets from a
 * {@code --default-address-pool} outside the shared engine's pools (172.17-31.x,
 * 192.168.x).</li>
 * <li>Its own {@code --exec-root} and {@code --data-root}: {@code dockerd} 20.10 then
 * starts a containerd of its own under them, with its own sockets. (Were a system
 * containerd answering on {@code /run/containerd/containerd.sock}, both engines would use
 * it; {@code --containerd-namespace} keeps their containers apart then.)</li>
 * <li>Its own {@code --config-file}, which also names its own key
 * ({@code deprecated-key-path}): it reads no {@code /etc/docker/daemon.json}, writes no
 * {@code /etc/docker/key.json} and has an engine ID of its own.</li>
 * </ul>
 * What it cannot do without iptables rules: containers on one of its networks do not
 * reach each other, because the host passes bridged traffic through the FORWARD chain
 * whose policy the shared engine sets to DROP. The host reaches its containers (published
 * ports) and its containers reach the host (their network's gateway address).
 * <p>
 * It only ever ends processes it started, by their PID: {@code dockerd}, and after a
 * forced kill the containerd and shims that {@code dockerd} left behind, found by its
 * directory in their command line. After a forced kill, {@link #start()} and
 * {@link #close()} let a new {@code dockerd} clean up; only if none starts does
 * {@link #close()} kill the leftovers itself, and then the bridges of its networks stay
 * (reported in the exception it throws). If the JVM dies without closing it,
 * {@code dockerd} receives SIGTERM (a parent-death signal set with {@code setpriv}) and
 * shuts down.
 */
public final class PrivateDockerEngine implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PrivateDockerEngine.class);

	private static final String DOCKERD = "/usr/sbin/dockerd";

	private static final String SETPRIV = "/usr/bin/setpriv";

	/**
	 * Subnets of its networks; the shared engine's default pools are 172.17-31.x and
	 * 192.168.x.
	 */
	private static final String ADDRESS_POOL = "base=10.213.0.0/16,size=24";

	private static final Set<String> PREDEFINED_NETWORKS = Set.of("bridge", "host", "none");

	private static final Duration START_DEADLINE = Duration.ofSeconds(60);

	/** A stop waits for running containers' stop timeouts (10 s unless set). */
	private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

	private static final Duration KILL_DEADLINE = Duration.ofSeconds(10);

	/** The longest socket path it makes, below its directory. */
	private static final String LONGEST_SOCKET = "/exec/containerd/containerd.sock.ttrpc";

	private static final int MAX_SOCKET_PATH = 107;

	private static final Pattern OCTAL_ESCAPE = Pattern.compile("\\\\([0-7]{3})");

	/**
	 * Starts every {@code dockerd}. A parent-death signal fires when the thread that
	 * started the process ends, so that thread must live as long as the JVM: this one
	 * does (tasks are submitted, so a failing one does not end it).
	 */
	private static final ExecutorService launcher = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "private-dockerd-launcher");
		thread.setDaemon(true);
		return thread;
	});

	private final Path directory;

	/** Its default bridge, which it is given rather than making docker0. */
	private final String bridge;

	private final String bridgeAddress;

	private final Thread shutdownHook = new Thread(this::close, "private-dockerd-close");

	private Process process;

	private boolean answered;

	private boolean closed;

	private PrivateDockerEngine(Path directory) {
		this.directory = directory;
		// a name of at most 15 characters, and an address outside both engines' pools
		int random = Math.floorMod(directory.getFileName().toString().hashCode(), 250) + 1;
		this.bridge = "dkr" + Integer.toHexString(directory.getFileName().toString().hashCode());
		this.bridgeAddress = "10.214." + random + ".1/24";
	}

	private void makeBridge() {
		if (run("ip", "link", "show", this.bridge) == 0) {
			return;
		}
		if (run("ip", "link", "add", this.bridge, "type", "bridge") != 0
				|| run("ip", "addr", "add", this.bridgeAddress, "dev", this.bridge) != 0
				|| run("ip", "link", "set", this.bridge, "up") != 0) {
			throw new IllegalStateException("Could not make the bridge " + this.bridge + " (needs root and iproute2)");
		}
	}

	/**
	 * Starts a new engine in a new temporary directory and waits until it answers.
	 * @return the running engine; close it after use
	 */
	public static PrivateDockerEngine launch() {
		Path directory;
		try {
			directory = Files.createTempDirectory("daeploy-dockerd-").toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		PrivateDockerEngine engine = new PrivateDockerEngine(directory);
		Runtime.getRuntime().addShutdownHook(engine.shutdownHook);
		try {
			if (directory.toString().length() + LONGEST_SOCKET.length() > MAX_SOCKET_PATH) {
				throw new IllegalStateException(
						"Socket paths below " + directory + " would be too long; set a shorter java.io.tmpdir");
			}
			Files.writeString(directory.resolve("daemon.json"),
					"{\"deprecated-key-path\": \"" + directory.resolve("key.json") + "\"}\n");
			engine.makeBridge();
			engine.start();
			return engine;
		}
		catch (IOException | RuntimeException ex) {
			try {
				engine.close();
			}
			catch (RuntimeException cleanup) {
				ex.addSuppressed(cleanup);
			}
			if (ex instanceof IOException io) {
				throw new UncheckedIOException(io);
			}
			throw (RuntimeException) ex;
		}
	}

	/**
	 * The address of its API, as {@code daeploy.docker.host} or {@code docker -H} take
	 * it.
	 * @return {@code unix://} and its socket
	 */
	public String host() {
		return "unix://" + this.directory.resolve("docker.sock");
	}

	/**
	 * The temporary directory that holds all of it (deleted on {@link #close()}), with
	 * {@code dockerd}'s output in {@code dockerd.log}.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * A new client of this engine; close it after use. A client does not outlive a
	 * restart of the engine reliably: take a new one after {@link #start()}.
	 * @return the client
	 */
	public DockerClient client() {
		return client(null);
	}

	/**
	 * Whether the engine answers a ping now.
	 * @return {@code true} if it does
	 */
	public boolean answers() {
		try (DockerClient client = client(Duration.ofSeconds(2))) {
			client.pingCmd().exec();
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	/**
	 * Starts {@code dockerd} on its data root and waits until it answers. After a crash
	 * or a forced kill, the new {@code dockerd} ends the containers the old one left
	 * running.
	 * @throws IllegalStateException if it runs already, or does not answer within a
	 * minute (the message ends with its log)
	 */
	public synchronized void start() {
		if (this.closed) {
			throw new IllegalStateException("The engine in " + this.directory + " is closed");
		}
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException("The engine in " + this.directory + " is running");
		}
		this.process = null;
		endLeftoverContainerd();
		ProcessBuilder builder = new ProcessBuilder(command()).redirectInput(Redirect.from(new File("/dev/null")))
			.redirectErrorStream(true)
			.redirectOutput(Redirect.appendTo(this.directory.resolve("dockerd.log").toFile()));
		try {
			this.process = launcher.submit(builder::start).get();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Cannot start " + DOCKERD, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		Process started = this.process;
		try {
			await("the private engine on " + host()).atMost(START_DEADLINE)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> answersWhileAlive(started));
			this.answered = true;
		}
		catch (ConditionTimeoutException ex) {
			stop();
			throw new IllegalStateException(
					"dockerd did not answer on " + host() + " within " + START_DEADLINE.toSeconds() + " s" + logTail());
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
	}

	/**
	 * Stops {@code dockerd}: SIGTERM, then SIGKILL if it has not exited within a minute.
	 * Running containers are stopped (each within its stop timeout); the data root stays.
	 */
	public synchronized void stop() {
		Process process = this.process;
		if (process == null) {
			return;
		}
		this.process = null;
		process.destroy();
		if (!exited(process, STOP_DEADLINE)) {
			logger.warn("dockerd " + process.pid() + " did not stop within " + STOP_DEADLINE.toSeconds()
					+ " s; killing it");
			process.destroyForcibly();
			if (!exited(process, KILL_DEADLINE)) {
				throw new IllegalStateException("dockerd " + process.pid() + " survived SIGKILL");
			}
		}
	}

	/**
	 * Loads an image of the shared engine into this one, as {@code docker save IMAGE |
	 * docker -H host() load} would.
	 * @param image the image's name, e.g. {@link TestImages#BUSYBOX}
	 */
	public void loadFrom(String image) {
		try (DockerClient shared = TestDocker.client();
				DockerClient own = client();
				InputStream archive = shared.saveImageCmd(image).exec()) {
			own.loadImageCmd(archive).exec();
			own.inspectImageCmd(image).exec();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Removes what the engine made on the host (its containers and networks, through its
	 * own API, starting it once more if it was stopped or died), stops it, ends what a
	 * forced kill left running, unmounts what is left mounted below its directory and
	 * deletes the directory, never crossing into a mount.
	 * @throws IllegalStateException if something could not be cleaned up
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		List<String> problems = new ArrayList<>();
		try {
			if (this.answered) {
				if (this.process == null || !this.process.isAlive()) {
					start();
				}
				purge();
			}
		}
		catch (RuntimeException ex) {
			problems.add("could not remove its containers and networks: " + ex);
		}
		this.closed = true;
		try {
			stop();
		}
		catch (RuntimeException ex) {
			problems.add(ex.getMessage());
		}
		endLeftoverProcesses(problems);
		if (run("ip", "link", "show", this.bridge) == 0 && run("ip", "link", "delete", this.bridge) != 0) {
			problems.add("could not delete the bridge " + this.bridge);
		}
		unmountLeftovers(problems);
		delete(problems);
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: this is the hook
		}
		if (!problems.isEmpty()) {
			throw new IllegalStateException("Closing the engine in " + this.directory + ": " + problems);
		}
	}

	private List<String> command() {
		List<String> command = new ArrayList<>();
		if (Files.isExecutable(Path.of(SETPRIV))) {
			// setpriv execs dockerd in the same process: the child's PID is dockerd's
			command.addAll(List.of(SETPRIV, "--pdeathsig", "TERM", "--"));
		}
		String namespace = this.directory.getFileName().toString();
		command.addAll(List.of(DOCKERD, "--config-file", path("daemon.json"), "--host", host(), "--data-root",
				path("data"), "--exec-root", path("exec"), "--pidfile", path("docker.pid"), "--iptables=false",
				"--ip-masq=false", "--ip-forward=false", "--bridge=" + this.bridge, "--live-restore",
				"--userland-proxy=true", "--default-address-pool", ADDRESS_POOL, "--containerd-namespace", namespace,
				"--containerd-plugins-namespace", namespace + "-plugins"));
		return command;
	}

	private String path(String name) {
		return this.directory.resolve(name).toString();
	}

	private DockerClient client(Duration timeout) {
		DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
			.withDockerHost(host())
			.withDockerTlsVerify(false)
			.build();
		ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost());
		if (timeout != null) {
			http.connectionTimeout(timeout).responseTimeout(timeout);
		}
		return DockerClientImpl.getInstance(config, http.build());
	}

	private boolean answersWhileAlive(Process process) {
		if (!process.isAlive()) {
			throw new IllegalStateException("dockerd exited with " + process.exitValue() + logTail());
		}
		return answers();
	}

	private String logTail() {
		try (Stream<String> lines = Files.lines(this.directory.resolve("dockerd.log"))) {
			List<String> all = lines.toList();
			return "; its log ends:\n" + String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "; no log: " + ex;
		}
	}

	private void purge() {
		try (DockerClient client = client()) {
			Info info = client.infoCmd().exec();
			if (info.getSwarm() != null && info.getSwarm().getLocalNodeState() == LocalNodeState.ACTIVE) {
				client.leaveSwarmCmd().withForceEnabled(true).exec();
			}
			for (Container container : client.listContainersCmd().withShowAll(true).exec()) {
				client.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
			}
			for (Network network : client.listNetworksCmd().exec()) {
				if (!PREDEFINED_NETWORKS.contains(network.getName())) {
					client.removeNetworkCmd(network.getId()).exec();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Ends the containerd a killed {@code dockerd} left behind and removes its PID file.
	 * The next {@code dockerd} would reuse a containerd that file names while that PID
	 * looks alive to it, which a zombie not yet reaped by PID 1 (or a reused PID) does:
	 * it then waits in vain ("containerd is still running", then "timeout waiting for
	 * containerd to start").
	 */
	private void endLeftoverContainerd() {
		Path pidFile = this.directory.resolve("exec/containerd/containerd.pid");
		try {
			if (!Files.exists(pidFile)) {
				return;
			}
			String pid = Files.readString(pidFile).trim();
			if (pid.matches("[0-9]+") && isOurs(Long.parseLong(pid))) {
				List<String> problems = new ArrayList<>();
				end(List.of(ProcessHandle.of(Long.parseLong(pid)).orElseThrow()), problems);
				if (!problems.isEmpty()) {
					throw new IllegalStateException(String.join("; ", problems));
				}
			}
			Files.delete(pidFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Ends what a SIGKILL of {@code dockerd} leaves running: its containerd (normally
	 * ended with it) and the shims, with their containers.
	 */
	private void endLeftoverProcesses(List<String> problems) {
		List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
			.filter((candidate) -> isOurs(candidate.pid()))
			.toList();
		List<ProcessHandle> all = new ArrayList<>();
		List<List<String>> shims = new ArrayList<>();
		for (ProcessHandle leftover : leftovers) {
			all.addAll(leftover.descendants().toList());
			all.add(leftover);
			List<String> arguments = arguments(leftover.pid());
			if (arguments.get(0).contains("containerd-shim")) {
				shims.add(arguments);
			}
		}
		if (!all.isEmpty()) {
			logger.warn("Killing what the engine in " + this.directory + " left running: "
					+ all.stream().map((handle) -> handle.pid() + " " + arguments(handle.pid())).toList());
			end(all, problems);
			shims.forEach((arguments) -> forgetShim(arguments, problems));
		}
	}

	/**
	 * Removes what a killed shim leaves outside this engine's directory: its socket
	 * ({@code /run/containerd/s/} and the SHA-256 of its containerd address, namespace
	 * and container ID, as containerd 1.6 names it) and its container's cgroups (below
	 * {@code docker/}, the default parent with the cgroupfs driver).
	 */
	private static void forgetShim(List<String> arguments, List<String> problems) {
		String address = argument(arguments, "-address");
		String namespace = argument(arguments, "-namespace");
		String id = argument(arguments, "-id");
		if (address == null || namespace == null || id == null || !id.matches("[0-9a-f]{64}")) {
			return;
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(Path.of(address, namespace, id).toString().getBytes(StandardCharsets.UTF_8));
			Files.deleteIfExists(Path.of("/run/containerd/s", HexFormat.of().formatHex(digest)));
			try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
				for (Path cgroup : Stream.concat(Stream.of(Path.of("/sys/fs/cgroup")), hierarchies)
					.map((hierarchy) -> hierarchy.resolve("docker").resolve(id))
					.toList()) {
					if (Files.isDirectory(cgroup, LinkOption.NOFOLLOW_LINKS)) {
						Files.delete(cgroup);
					}
				}
			}
		}
		catch (IOException | NoSuchAlgorithmException ex) {
			problems.add("could not remove what the shim of " + id + " left: " + ex);
		}
	}

	private static String argument(List<String> arguments, String name) {
		int index = arguments.indexOf(name);
		return (index < 0 || index + 1 >= arguments.size()) ? null : arguments.get(index + 1);
	}

	/**
	 * Whether a process is this engine's {@code dockerd}, containerd or shim: it names
	 * this engine's directory in its command line.
	 */
	private boolean isOurs(long pid) {
		List<String> arguments = arguments(pid);
		if (arguments.isEmpty()
				|| arguments.stream().noneMatch((argument) -> argument.contains(this.directory.toString()))) {
			return false;
		}
		String program = Path.of(arguments.get(0)).getFileName().toString();
		return program.equals("dockerd") || program.startsWith("containerd");
	}

	private static void end(List<ProcessHandle> processes, List<String> problems) {
		processes.forEach(ProcessHandle::destroyForcibly);
		try {
			await("killed processes to end").atMost(KILL_DEADLINE)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> processes.stream().allMatch((process) -> gone(process.pid())));
		}
		catch (ConditionTimeoutException ex) {
			problems.add("processes survived SIGKILL: "
					+ processes.stream().filter((process) -> !gone(process.pid())).map(ProcessHandle::pid).toList());
		}
	}

	/**
	 * Whether a process has ended: it is gone, or a zombie (whose parent, PID 1 for
	 * orphans, may reap it late).
	 */
	private static boolean gone(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
			return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
		}
		catch (IOException ex) {
			return true;
		}
	}

	private static List<String> arguments(long pid) {
		try {
			String cmdline = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
					StandardCharsets.UTF_8);
			return cmdline.isEmpty() ? List.of() : List.of(cmdline.split("\0"));
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/**
	 * Unmounts what {@code dockerd} did not (it does on a clean stop): container root
	 * file systems, network namespaces, and the data root it binds onto itself.
	 */
	private void unmountLeftovers(List<String> problems) {
		for (int round = 0; round < 5; round++) {
			List<Path> mounts = mountsBelow();
			if (mounts.isEmpty()) {
				return;
			}
			for (Path mount : mounts) {
				if (run("umount", mount.toString()) != 0) {
					run("umount", "--lazy", mount.toString());
				}
			}
		}
		List<Path> mounts = mountsBelow();
		if (!mounts.isEmpty()) {
			problems.add("still mounted: " + mounts);
		}
	}

	/**
	 * The mount points at or below its directory, deepest first.
	 */
	private List<Path> mountsBelow() {
		try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
			return lines.map((line) -> Path.of(unescape(line.split(" ")[4])))
				.filter((mount) -> mount.startsWith(this.directory))
				.distinct()
				.sorted(Comparator.comparingInt(Path::getNameCount).reversed())
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String unescape(String field) {
		Matcher matcher = OCTAL_ESCAPE.matcher(field);
		return matcher.replaceAll(
				(match) -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(match.group(1), 8))));
	}

	private static int run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(Redirect.DISCARD)
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return -1;
			}
			return process.exitValue();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/**
	 * Deletes its directory without following links, and skipping whatever is still a
	 * mount point or on another file system (so nothing outside is ever deleted).
	 */
	private void delete(List<String> problems) {
		if (!Files.exists(this.directory, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		Set<Path> mounts = mountsBelow().stream().collect(Collectors.toSet());
		List<String> kept = new ArrayList<>();
		try {
			Object device = Files.getAttribute(this.directory, "unix:dev", LinkOption.NOFOLLOW_LINKS);
			Files.walkFileTree(this.directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
					if (mounts.contains(dir)
							|| !device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
						kept.add(dir + " (a mount)");
						return FileVisitResult.SKIP_SUBTREE;
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					Files.delete(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) {
					kept.add(file + " (" + ex + ")");
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, IOException ex) {
					try {
						Files.delete(dir);
					}
					catch (IOException notEmpty) {
						if (kept.isEmpty()) {
							kept.add(dir + " (" + notEmpty + ")");
						}
					}
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			kept.add(ex.toString());
		}
		if (!kept.isEmpty()) {
			problems.add("not deleted: " + kept);
		}
	}

	private static boolean exited(Process process, Duration deadline) {
		try {
			return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !process.isAlive();
		}
	}

}
