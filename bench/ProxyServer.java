import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.TrafficStats;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy;

/**
 * The embedded proxy on its own, for {@code bench/proxy}: no Spring, no manager, auth off. Run by
 * the source launcher with the manager's extracted classpath:
 *
 * <pre>
 * java &lt;JAVA_OPTS&gt; -cp &lt;extracted&gt;/daeploy-manager.jar bench/ProxyServer.java --port P --main URL [--shadow URL]
 * </pre>
 *
 * Routes service {@code bench}: version 1.0.0 (main) at {@code --main}, version 2.0.0 (shadow) at
 * {@code --shadow} when given. Prints {@code ready <port>} once it listens, then blocks until it
 * is killed; on SIGTERM it stops the proxy and prints one {@code stats} line per version (what the
 * proxy's own {@link TrafficStats} counted, so the bench can tell whether mirrors were sent).
 */
public final class ProxyServer {

	public static void main(String[] args) throws Exception {
		int port = -1;
		String main = null;
		String shadow = null;
		for (int i = 0; i < args.length; i++) {
			String value = (i + 1 < args.length) ? args[i + 1] : null;
			switch (args[i]) {
				case "--port" -> port = Integer.parseInt(required(args[i], value));
				case "--main" -> main = required(args[i], value);
				case "--shadow" -> shadow = required(args[i], value);
				default -> usage("unknown argument " + args[i]);
			}
			i++;
		}
		if (port < 0 || main == null) {
			usage("--port and --main are required");
		}

		TrafficStats stats = new TrafficStats();
		EmbeddedProxy proxy = new EmbeddedProxy(
				new EmbeddedProxy.Settings("127.0.0.1", port, 0, Duration.ofSeconds(10), 1024 * 1024, 512), null,
				stats);
		// Non-service paths go to the manager; the bench sends none, so any port nothing listens on will do.
		proxy.start(new InetSocketAddress("127.0.0.1", unusedPort()));
		List<RouteTable.Backend> backends = new ArrayList<>();
		backends.add(new RouteTable.Backend("bench", "1.0.0", true, main));
		if (shadow != null) {
			backends.add(new RouteTable.Backend("bench", "2.0.0", false, shadow));
		}
		proxy.route(RouteTable.of(backends));

		CountDownLatch stopped = new CountDownLatch(1);
		boolean withShadow = shadow != null;
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			proxy.stop();
			print(stats, "bench_1.0.0");
			if (withShadow) {
				print(stats, "bench_2.0.0");
			}
			System.out.flush();
			stopped.countDown();
		}));
		System.out.println("ready " + proxy.httpPort());
		System.out.flush();
		stopped.await();
	}

	private static void print(TrafficStats stats, String key) {
		TrafficStats.VersionTraffic t = stats.snapshot(key);
		System.out.printf("stats %s requests %d mirrored %d 5xx %d p50-ms %s p99-ms %s%n", key, t.requests(),
				t.mirrored(), t.serverErrors(), t.p50Ms(), t.p99Ms());
	}

	private static int unusedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String required(String option, String value) {
		if (value == null) {
			usage(option + " needs a value");
		}
		return value;
	}

	private static void usage(String problem) {
		System.err.println("ProxyServer: " + problem);
		System.err.println("usage: ProxyServer --port P --main URL [--shadow URL]");
		System.exit(2);
	}

}
