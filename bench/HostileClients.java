import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clients of {@code bench/proxy-hostile}: while idle and hostile connections are held open
 * against the proxy, one well-behaved client measures the latency of {@code GET <path>} on a
 * keep-alive connection; rounds without and with the attack alternate (each phase lasts
 * {@code --seconds}, longer than the proxy's header timeout, so slowloris connections are timed out
 * and opened again while the probe measures), and the p99 of all attacked samples is compared with
 * the p99 of all quiet ones. JDK only, run by the source launcher:
 *
 * <pre>
 * java bench/HostileClients.java --port P [--idle 500] [--slowloris 50] [--tricklers 50]
 *     [--seconds 12] [--rounds 4] [--warmup 15] [--sources 10]
 * </pre>
 *
 * The hostile connections come from 127.0.0.2 .. 127.0.0.(1 + sources), all to 127.0.0.1, so no
 * single address passes the proxy's per-client cap; the measuring client comes from 127.0.0.1.
 * One thread drives all of them with a selector: idle connections send nothing; slowloris ones
 * send a request line, then one header line a second, never the blank line; tricklers send the
 * headers of a 1 MB POST to {@code <upload>}, then one body byte a second. Whatever the proxy
 * closes (idle and header timeouts) is opened again at once, so the attack stays at full strength.
 */
public final class HostileClients {

	public static void main(String[] args) throws Exception {
		int port = -1;
		int idle = 500;
		int slowloris = 50;
		int tricklers = 50;
		int seconds = 12;
		int rounds = 4;
		int warmup = 15;
		int sources = 10;
		String path = "/services/bench/hello";
		String upload = "/services/bench/upload";
		for (int i = 0; i < args.length; i += 2) {
			String value = args[i + 1];
			switch (args[i]) {
				case "--port" -> port = Integer.parseInt(value);
				case "--idle" -> idle = Integer.parseInt(value);
				case "--slowloris" -> slowloris = Integer.parseInt(value);
				case "--tricklers" -> tricklers = Integer.parseInt(value);
				case "--seconds" -> seconds = Integer.parseInt(value);
				case "--rounds" -> rounds = Integer.parseInt(value);
				case "--warmup" -> warmup = Integer.parseInt(value);
				case "--sources" -> sources = Integer.parseInt(value);
				case "--path" -> path = value;
				case "--upload" -> upload = value;
				default -> throw new IllegalArgumentException("unknown argument " + args[i]);
			}
		}
		if (port < 0) {
			throw new IllegalArgumentException("--port is required");
		}
		Probe probe = new Probe(port, path);
		System.out.printf("warm-up: %d requests in %d s%n", probe.measure(TimeUnit.SECONDS.toNanos(warmup)).length,
				warmup);
		long phase = TimeUnit.SECONDS.toNanos(seconds);
		List<Long> quiet = new ArrayList<>();
		List<Long> attacked = new ArrayList<>();
		System.out.printf("%-6s %-9s %10s %9s %9s %9s %6s %6s %6s %8s %8s%n", "round", "phase", "requests", "p50-ms",
				"p99-ms", "max-ms", "idle", "slow", "trick", "reopened", "got-408");
		for (int round = 1; round <= rounds; round++) {
			// the order flips every round, so a drift of the machine hits both phases alike
			boolean attackFirst = round % 2 == 0;
			for (int step = 0; step < 2; step++) {
				boolean attack = (step == 0) == attackFirst;
				if (attack) {
					Attack hostile = new Attack(port, upload, idle, slowloris, tricklers, sources);
					hostile.start();
					hostile.awaitFull(TimeUnit.SECONDS.toNanos(30));
					long[] samples = probe.measure(phase);
					int[] open = hostile.open();
					long reopened = hostile.reopened();
					long timeouts = hostile.timeouts();
					hostile.stop();
					print(round, "attacked", samples, open, reopened, timeouts);
					add(attacked, samples);
				}
				else {
					long[] samples = probe.measure(phase);
					print(round, "quiet", samples, null, 0, 0);
					add(quiet, samples);
				}
			}
		}
		probe.close();
		long quietP99 = percentile(quiet, 0.99);
		long attackedP99 = percentile(attacked, 0.99);
		double ratio = (double) attackedP99 / quietP99;
		System.out.println();
		System.out.printf("all quiet samples:    %d, p50 %s ms, p99 %s ms%n", quiet.size(), ms(percentile(quiet, 0.5)),
				ms(quietP99));
		System.out.printf("all attacked samples: %d, p50 %s ms, p99 %s ms%n", attacked.size(),
				ms(percentile(attacked, 0.5)), ms(attackedP99));
		System.out.printf(Locale.ROOT, "attacked p99 / quiet p99 = %.3f   goal <= 2.00   %s%n", ratio,
				(ratio <= 2.0) ? "MET" : "MISSED");
		System.out.printf(Locale.ROOT, "attacked p50 / quiet p50 = %.3f   context%n",
				(double) percentile(attacked, 0.5) / percentile(quiet, 0.5));
	}

	private static void print(int round, String phase, long[] samples, int[] open, long reopened, long timeouts) {
		long[] sorted = samples.clone();
		Arrays.sort(sorted);
		System.out.printf("%-6d %-9s %10d %9s %9s %9s %6s %6s %6s %8s %8s%n", round, phase, samples.length,
				ms(sorted[sorted.length / 2]), ms(sorted[(int) (sorted.length * 0.99)]), ms(sorted[sorted.length - 1]),
				(open != null) ? open[0] : "-", (open != null) ? open[1] : "-", (open != null) ? open[2] : "-",
				(open != null) ? reopened : "-", (open != null) ? timeouts : "-");
		System.out.flush();
	}

	private static void add(List<Long> all, long[] samples) {
		for (long sample : samples) {
			all.add(sample);
		}
	}

	private static long percentile(List<Long> samples, double p) {
		long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
		return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
	}

	private static String ms(long nanos) {
		return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
	}

	/**
	 * The well-behaved client: sequential GETs on one keep-alive connection from 127.0.0.1.
	 */
	static final class Probe implements AutoCloseable {

		private final int port;

		private final byte[] request;

		private Socket socket;

		private InputStream in;

		private OutputStream out;

		Probe(int port, String path) {
			this.port = port;
			this.request = ("GET " + path + " HTTP/1.1\r\nHost: bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
		}

		/** Requests one after the other for a while; the latency of each. */
		long[] measure(long durationNanos) throws IOException {
			long[] samples = new long[1 << 16];
			int count = 0;
			long end = System.nanoTime() + durationNanos;
			while (System.nanoTime() - end < 0) {
				if (this.socket == null) {
					connect();
				}
				long start = System.nanoTime();
				this.out.write(this.request);
				this.out.flush();
				if (!readAnswer()) {
					// the connection ended (it may have idled out between rounds): again on a new one
					close();
					continue;
				}
				if (count == samples.length) {
					samples = Arrays.copyOf(samples, count * 2);
				}
				samples[count++] = System.nanoTime() - start;
			}
			return Arrays.copyOf(samples, count);
		}

		private void connect() throws IOException {
			this.socket = new Socket();
			this.socket.setTcpNoDelay(true);
			this.socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
			this.socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), this.port), 5000);
			this.socket.setSoTimeout(30_000);
			this.in = new java.io.BufferedInputStream(this.socket.getInputStream());
			this.out = this.socket.getOutputStream();
		}

		/** Reads one answer with a Content-Length; false when the connection ended first. */
		private boolean readAnswer() throws IOException {
			int length = -1;
			int status = -1;
			StringBuilder line = new StringBuilder();
			while (true) {
				int c = this.in.read();
				if (c < 0) {
					return false;
				}
				if (c != '\n') {
					if (c != '\r') {
						line.append((char) c);
					}
					continue;
				}
				if (line.isEmpty()) {
					break;
				}
				String text = line.toString();
				if (status < 0) {
					status = Integer.parseInt(text.split(" ")[1]);
				}
				else if (text.regionMatches(true, 0, "content-length:", 0, 15)) {
					length = Integer.parseInt(text.substring(15).strip());
				}
				line.setLength(0);
			}
			if (status != 200 || length < 0) {
				throw new IOException("unexpected answer: status " + status + ", length " + length);
			}
			return this.in.readNBytes(length).length == length;
		}

		@Override
		public void close() throws IOException {
			if (this.socket != null) {
				this.socket.close();
				this.socket = null;
			}
		}

	}

	/**
	 * The attack: idle, slowloris and trickling connections, held open by one thread.
	 */
	static final class Attack {

		private static final int IDLE = 0;

		private static final int SLOWLORIS = 1;

		private static final int TRICKLE = 2;

		private final int port;

		private final String upload;

		private final int[] wanted;

		private final int sources;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final int[] open = new int[3];

		private volatile long reopened;

		private volatile long timeouts;

		private volatile boolean full;

		private Thread thread;

		private int nextSource;

		Attack(int port, String upload, int idle, int slowloris, int tricklers, int sources) {
			this.port = port;
			this.upload = upload;
			this.wanted = new int[] { idle, slowloris, tricklers };
			this.sources = sources;
		}

		void start() {
			this.thread = new Thread(this::run, "hostile-clients");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		void awaitFull(long timeoutNanos) throws InterruptedException {
			long deadline = System.nanoTime() + timeoutNanos;
			while (!this.full) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("the hostile connections did not all open: " + Arrays.toString(open()));
				}
				Thread.sleep(20);
			}
			// let the first writes of every connection arrive before measuring
			Thread.sleep(1000);
		}

		synchronized int[] open() {
			return this.open.clone();
		}

		long reopened() {
			return this.reopened;
		}

		long timeouts() {
			return this.timeouts;
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join();
			// let the proxy see the closes before the next quiet phase
			Thread.sleep(1000);
		}

		private void run() {
			List<Conn> conns = new ArrayList<>();
			try (Selector selector = Selector.open()) {
				for (int kind = 0; kind < 3; kind++) {
					for (int i = 0; i < this.wanted[kind]; i++) {
						conns.add(open(selector, kind));
					}
				}
				this.full = true;
				ByteBuffer buffer = ByteBuffer.allocate(4096);
				while (this.running.get()) {
					selector.select(100);
					Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
					while (keys.hasNext()) {
						SelectionKey key = keys.next();
						keys.remove();
						Conn conn = (Conn) key.attachment();
						buffer.clear();
						int n;
						try {
							n = conn.channel.read(buffer);
						}
						catch (IOException ex) {
							n = -1;
						}
						if (n > 0 && new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1).contains(" 408 ")) {
							this.timeouts++;
						}
						if (n < 0) {
							conn.close();
							count(conn.kind, -1);
							conns.set(conns.indexOf(conn), open(selector, conn.kind));
							this.reopened++;
						}
					}
					long now = System.nanoTime();
					for (Conn conn : conns) {
						if (conn.kind != IDLE && now - conn.nextWrite >= 0) {
							conn.write((conn.kind == SLOWLORIS) ? "X-Slow-" + (conn.writes++) + ": x\r\n" : "x");
							conn.nextWrite = now + TimeUnit.SECONDS.toNanos(1);
						}
					}
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				for (Conn conn : conns) {
					conn.close();
				}
			}
		}

		private Conn open(Selector selector, int kind) throws IOException {
			SocketChannel channel = SocketChannel.open();
			String source = "127.0.0." + (2 + (this.nextSource++ % this.sources));
			channel.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
			channel.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), this.port));
			channel.configureBlocking(false);
			Conn conn = new Conn(channel, kind);
			channel.register(selector, SelectionKey.OP_READ, conn);
			if (kind == SLOWLORIS) {
				conn.write("GET /services/bench/hello HTTP/1.1\r\nHost: bench\r\n");
			}
			else if (kind == TRICKLE) {
				conn.write("POST " + this.upload + " HTTP/1.1\r\nHost: bench\r\nContent-Length: 1000000\r\n\r\n");
			}
			conn.nextWrite = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
			count(kind, 1);
			return conn;
		}

		private synchronized void count(int kind, int delta) {
			this.open[kind] += delta;
		}

		private static final class Conn {

			final SocketChannel channel;

			final int kind;

			long nextWrite;

			int writes;

			Conn(SocketChannel channel, int kind) {
				this.channel = channel;
				this.kind = kind;
			}

			void write(String text) {
				try {
					this.channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
				}
				catch (IOException ex) {
					// the proxy closed it: the read side notices and opens another
				}
			}

			void close() {
				try {
					this.channel.close();
				}
				catch (IOException ex) {
					// closing anyway
				}
			}

		}

	}

}
