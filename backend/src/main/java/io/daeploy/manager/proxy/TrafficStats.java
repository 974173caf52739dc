package io.daeploy.manager.proxy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Traffic figures per service version since the manager started: requests, mirrored
 * copies, 5xx responses and latency percentiles. The embedded proxy records each request
 * it forwards; in Traefik mode the access log is read into it. Shadows' mirrored requests
 * count too: their responses are measured, then discarded.
 * <p>
 * With a meter registry, each request is also a sample of the timer
 * {@code daeploy.proxy.requests} tagged {@code service}, {@code version} and
 * {@code status} ({@code 2xx}, {@code 5xx}...), a Prometheus histogram with fixed
 * buckets. The timers of a version are resolved once, on its first request of a status
 * class, and held here: a request costs a map read and an array read, no tag is built.
 */
public final class TrafficStats {

	/** The histogram's buckets: few, so that a version costs a handful of series. */
	static final Duration[] BUCKETS = { Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
			Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
			Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10) };

	private static final String[] STATUS_CLASSES = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };

	/** Latencies above this are recorded as this (one hour, in microseconds). */
	private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

	private final Map<String, Counter> byKey = new ConcurrentHashMap<>();

	private final Instant since = Instant.now();

	private final MeterRegistry registry;

	/**
	 * Figures without meters.
	 */
	public TrafficStats() {
		this(null);
	}

	/**
	 * Figures that are also published as meters.
	 * @param registry where the timers go, or {@code null} for none
	 */
	public TrafficStats(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Records one answered (or failed) request.
	 * @param key the version's route key, {@code <name>_<version>}
	 * @param mirrored whether it was a mirrored copy sent to a shadow
	 * @param status the response status; 502 or 504 when the backend did not answer
	 * @param nanos time from forwarding the request to the end of the response
	 */
	public void record(String key, boolean mirrored, int status, long nanos) {
		Counter counter = this.byKey.computeIfAbsent(key, Counter::new);
		counter.requests.increment();
		if (mirrored) {
			counter.mirrored.increment();
		}
		if (status >= 500) {
			counter.serverErrors.increment();
		}
		counter.latency.recordValue(Math.min(MAX_MICROS, Math.max(1, nanos / 1000)));
		counter.last.set(System.currentTimeMillis());
		if (this.registry != null) {
			timer(counter, status).record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	private Timer timer(Counter counter, int status) {
		int statusClass = status / 100;
		if (statusClass < 1 || statusClass > 5) {
			statusClass = 0;
		}
		Timer timer = counter.timers.get(statusClass);
		if (timer == null) {
			int split = counter.key.lastIndexOf('_');
			timer = Timer.builder("daeploy.proxy.requests")
				.description("Requests the proxy forwarded to a service version, mirrored copies included")
				.tag("service", (split > 0) ? counter.key.substring(0, split) : counter.key)
				.tag("version", (split > 0) ? counter.key.substring(split + 1) : "")
				.tag("status", STATUS_CLASSES[statusClass])
				.serviceLevelObjectives(BUCKETS)
				.register(this.registry);
			counter.timers.set(statusClass, timer);
		}
		return timer;
	}

	/**
	 * The figures of one version.
	 * @param key the version's route key, {@code <name>_<version>}
	 * @return its figures; zeros when it had no traffic
	 */
	public VersionTraffic snapshot(String key) {
		Counter counter = this.byKey.get(key);
		if (counter == null) {
			return new VersionTraffic(0, 0, 0, null, null, null, null, this.since);
		}
		long requests = counter.requests.sum();
		ConcurrentHistogram latency = counter.latency;
		long last = counter.last.get();
		return new VersionTraffic(requests, counter.mirrored.sum(), counter.serverErrors.sum(),
				(requests > 0) ? millis(latency.getValueAtPercentile(50)) : null,
				(requests > 0) ? millis(latency.getValueAtPercentile(90)) : null,
				(requests > 0) ? millis(latency.getValueAtPercentile(99)) : null,
				(last > 0) ? Instant.ofEpochMilli(last) : null, this.since);
	}

	/**
	 * Forgets a version's figures, when it is killed.
	 * @param key the version's route key
	 */
	public void forget(String key) {
		Counter counter = this.byKey.remove(key);
		if (counter != null && this.registry != null) {
			for (int i = 0; i < counter.timers.length(); i++) {
				Timer timer = counter.timers.get(i);
				if (timer != null) {
					this.registry.remove(timer);
				}
			}
		}
	}

	private static double millis(long micros) {
		return Math.round(micros / 10.0) / 100.0;
	}

	private static final class Counter {

		private final String key;

		private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(STATUS_CLASSES.length);

		private final LongAdder requests = new LongAdder();

		private final LongAdder mirrored = new LongAdder();

		private final LongAdder serverErrors = new LongAdder();

		private final ConcurrentHistogram latency = new ConcurrentHistogram(2);

		private final AtomicLong last = new AtomicLong();

		Counter(String key) {
			this.key = key;
		}

	}

	/**
	 * One version's traffic.
	 *
	 * @param requests requests answered, mirrored copies included
	 * @param mirrored of which mirrored copies (a shadow's traffic)
	 * @param serverErrors responses with a 5xx status, failed connections included
	 * @param p50Ms median latency in milliseconds, {@code null} without requests
	 * @param p90Ms 90th percentile
	 * @param p99Ms 99th percentile
	 * @param lastRequestAt when the last request finished
	 * @param since when counting started
	 */
	public record VersionTraffic(long requests, long mirrored, long serverErrors, Double p50Ms, Double p90Ms,
			Double p99Ms, Instant lastRequestAt, Instant since) {
	}

}
