package io.daeploy.manager.proxy;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;

/**
 * Traffic figures per service version since the manager started: requests, mirrored
 * copies, 5xx responses and latency percentiles. The embedded proxy records each request
 * it forwards; in Traefik mode the access log is read into it. Shadows' mirrored requests
 * count too: their responses are measured, then discarded.
 */
public final class TrafficStats {

	/** Latencies above this are recorded as this (one hour, in microseconds). */
	private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

	private final Map<String, Counter> byKey = new ConcurrentHashMap<>();

	private final Instant since = Instant.now();

	/**
	 * Records one answered (or failed) request.
	 * @param key the version's route key, {@code <name>_<version>}
	 * @param mirrored whether it was a mirrored copy sent to a shadow
	 * @param status the response status; 502 or 504 when the backend did not answer
	 * @param nanos time from forwarding the request to the end of the response
	 */
	public void record(String key, boolean mirrored, int status, long nanos) {
		Counter counter = this.byKey.computeIfAbsent(key, (k) -> new Counter());
		counter.requests.increment();
		if (mirrored) {
			counter.mirrored.increment();
		}
		if (status >= 500) {
			counter.serverErrors.increment();
		}
		counter.latency.recordValue(Math.min(MAX_MICROS, Math.max(1, nanos / 1000)));
		counter.last.set(System.currentTimeMillis());
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
		this.byKey.remove(key);
	}

	private static double millis(long micros) {
		return Math.round(micros / 10.0) / 100.0;
	}

	private static final class Counter {

		private final LongAdder requests = new LongAdder();

		private final LongAdder mirrored = new LongAdder();

		private final LongAdder serverErrors = new LongAdder();

		private final ConcurrentHistogram latency = new ConcurrentHistogram(2);

		private final AtomicLong last = new AtomicLong();

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
