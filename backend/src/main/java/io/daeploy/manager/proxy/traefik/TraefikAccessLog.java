package io.daeploy.manager.proxy.traefik;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.proxy.RouteTable.ServiceRoutes;
import io.daeploy.manager.proxy.TrafficStats;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads Traefik's JSON access log into {@link TrafficStats}, so that Traefik mode has the
 * same per-version traffic figures as the embedded proxy. The file is polled (every 500
 * ms by default) on a daemon thread; reading starts at its end when the manager starts,
 * and starts over from the beginning when the file shrinks (truncated) or is replaced
 * (rotated: another inode). A last line without its newline waits for it; lines that are
 * not JSON, or lack the fields below, are skipped.
 * <p>
 * Each line's {@code RouterName} (e.g. {@code model_1.0.0@file}, the {@code @provider}
 * suffix stripped) names the route: a version's own router {@code <name>_<version>}
 * counts for that version, a service's main router {@code <name>} counts for the
 * service's main version in the last {@link RouteTable} given to
 * {@link #route(RouteTable)}; the {@code manager} router and unknown routers are ignored.
 * {@code DownstreamStatus} is the status and {@code Duration} (nanoseconds) the latency.
 * <p>
 * Limitation: Traefik does not write mirrored requests to its access log, so in Traefik
 * mode shadows' mirrored traffic is not counted ({@code mirrored} stays 0); only requests
 * sent to a shadow's own route are.
 */
public final class TraefikAccessLog {

	private static final Log logger = LogFactory.getLog(TraefikAccessLog.class);

	/** A line longer than this without a newline is dropped rather than buffered. */
	private static final int MAX_LINE = 1024 * 1024;

	private final Path file;

	private final TrafficStats stats;

	private final Duration interval;

	private final JsonMapper json = JsonMapper.shared();

	private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

	private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

	private volatile Routes routes = new Routes(Set.of(), Map.of());

	private FileChannel channel;

	private Object fileKey;

	private long position;

	private Scheduler scheduler;

	private Disposable polling;

	/**
	 * Creates a reader that polls every 500 ms.
	 * @param file the access log Traefik writes
	 * @param stats where the requests are recorded
	 */
	public TraefikAccessLog(Path file, TrafficStats stats) {
		this(file, stats, Duration.ofMillis(500));
	}

	/**
	 * Creates a reader.
	 * @param file the access log Traefik writes
	 * @param stats where the requests are recorded
	 * @param interval how often the file is polled
	 */
	public TraefikAccessLog(Path file, TrafficStats stats, Duration interval) {
		this.file = file;
		this.stats = stats;
		this.interval = interval;
	}

	/**
	 * Maps routers to versions by this table from now on.
	 * @param table the table the proxy routes
	 */
	public void route(RouteTable table) {
		Set<String> versions = new HashSet<>();
		Map<String, String> mains = new HashMap<>();
		for (ServiceRoutes service : table.services()) {
			service.versions().stream().map(Backend::key).forEach(versions::add);
			if (service.main() != null) {
				mains.put(service.name(), service.main().key());
			}
		}
		this.routes = new Routes(Set.copyOf(versions), Map.copyOf(mains));
	}

	/**
	 * Skips what the file already holds and starts polling it; returns at once.
	 */
	public synchronized void start() {
		if (this.polling != null) {
			return;
		}
		open(true);
		this.scheduler = Schedulers.newSingle("traefik-access-log", true);
		long millis = this.interval.toMillis();
		this.polling = this.scheduler.schedulePeriodically(this::poll, millis, millis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops polling and closes the file.
	 */
	public synchronized void stop() {
		if (this.polling != null) {
			this.polling.dispose();
			this.scheduler.dispose();
			this.polling = null;
			this.scheduler = null;
		}
		close();
	}

	/**
	 * Reads what was appended since the last poll and records it. Never throws: a problem
	 * is logged and the next poll tries again.
	 */
	synchronized void poll() {
		try {
			BasicFileAttributes attributes;
			try {
				attributes = Files.readAttributes(this.file, BasicFileAttributes.class);
			}
			catch (NoSuchFileException ex) {
				// Not written yet, or rotated away: whatever appears next is read whole
				drain();
				close();
				return;
			}
			if (this.channel != null && !Objects.equals(attributes.fileKey(), this.fileKey)) {
				drain();
				close();
			}
			if (this.channel == null) {
				open(false);
			}
			else if (this.channel.size() < this.position) {
				this.position = 0;
				this.partial.reset();
			}
			drain();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not read Traefik's access log " + this.file + ": " + ex.getMessage());
		}
	}

	private void open(boolean atEnd) {
		this.partial.reset();
		this.position = 0;
		try {
			this.channel = FileChannel.open(this.file, StandardOpenOption.READ);
			this.fileKey = Files.readAttributes(this.file, BasicFileAttributes.class).fileKey();
			if (atEnd) {
				this.position = this.channel.size();
			}
		}
		catch (NoSuchFileException ex) {
			this.channel = null;
		}
		catch (IOException ex) {
			logger.warn("Could not open Traefik's access log " + this.file + ": " + ex.getMessage());
			this.channel = null;
		}
	}

	private void close() {
		if (this.channel != null) {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// Nothing left to read from it anyway
			}
		}
		this.channel = null;
		this.fileKey = null;
		this.position = 0;
		this.partial.reset();
	}

	/** Reads from the position to the current end, handing each complete line on. */
	private void drain() throws IOException {
		if (this.channel == null) {
			return;
		}
		while (true) {
			this.buffer.clear();
			int read = this.channel.read(this.buffer, this.position);
			if (read <= 0) {
				return;
			}
			this.position += read;
			byte[] bytes = this.buffer.array();
			int lineStart = 0;
			for (int i = 0; i < read; i++) {
				if (bytes[i] == '\n') {
					this.partial.write(bytes, lineStart, i - lineStart);
					line(this.partial.toString(StandardCharsets.UTF_8));
					this.partial.reset();
					lineStart = i + 1;
				}
			}
			this.partial.write(bytes, lineStart, read - lineStart);
			if (this.partial.size() > MAX_LINE) {
				logger.warn("Skipping an access log line longer than " + MAX_LINE + " bytes");
				this.partial.reset();
			}
		}
	}

	private void line(String line) {
		if (line.isBlank()) {
			return;
		}
		JsonNode entry;
		try {
			entry = this.json.readTree(line);
		}
		catch (JacksonException ex) {
			return;
		}
		JsonNode router = entry.path("RouterName");
		JsonNode status = entry.path("DownstreamStatus");
		JsonNode duration = entry.path("Duration");
		if (!router.isString() || !status.isIntegralNumber() || !duration.isNumber()) {
			return;
		}
		String key = this.routes.key(router.stringValue());
		if (key != null) {
			this.stats.record(key, false, status.intValue(), duration.longValue());
		}
	}

	/**
	 * Which router counts for which version.
	 *
	 * @param versions every version's key (its own router's name)
	 * @param mains each service name's main version key
	 */
	private record Routes(Set<String> versions, Map<String, String> mains) {

		/** The router of the manager's own routes (see {@link TraefikConfig}). */
		private static final String MANAGER_ROUTER = "manager";

		String key(String routerName) {
			int at = routerName.lastIndexOf('@');
			String router = (at >= 0) ? routerName.substring(0, at) : routerName;
			if (MANAGER_ROUTER.equals(router)) {
				return null;
			}
			if (this.versions.contains(router)) {
				return router;
			}
			return this.mains.get(router);
		}

	}

}
