package io.daeploy.manager.deployment;

import java.time.Duration;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;

/**
 * How a started version proves it is healthy before it is stored and routed: an HTTP
 * {@code GET} of a path answering 2xx or 3xx, or a TCP connection to its port, tried
 * every {@code interval} until one passes or {@code timeout} has passed.
 *
 * @param kind HTTP or TCP
 * @param path the HTTP path, starting with {@code /}
 * @param intervalMillis time between attempts
 * @param timeoutMillis how long the version may take to pass
 */
public record HealthCheck(Kind kind, String path, long intervalMillis, long timeoutMillis) {

	/**
	 * What is checked.
	 */
	public enum Kind {

		HTTP, TCP

	}

	Duration interval() {
		return Duration.ofMillis(this.intervalMillis);
	}

	Duration timeout() {
		return Duration.ofMillis(this.timeoutMillis);
	}

	String describe() {
		return (this.kind == Kind.HTTP) ? "HTTP GET " + this.path : "TCP connect";
	}

	/**
	 * Checks a requested health check.
	 * @param kind HTTP or TCP, HTTP when {@code null}
	 * @param path the path, {@code /} when {@code null}
	 * @param intervalSeconds seconds between attempts, 1 when {@code null}
	 * @param timeoutSeconds seconds to pass in, 60 when {@code null}
	 * @return the check
	 * @throws DaeployException naming {@code healthCheck.*} when a value is out of range
	 */
	static HealthCheck of(Kind kind, String path, Double intervalSeconds, Double timeoutSeconds) {
		Kind checked = (kind != null) ? kind : Kind.HTTP;
		String checkedPath = (path != null) ? path : "/";
		if (!checkedPath.startsWith("/") || checkedPath.length() > 2000
				|| checkedPath.chars().anyMatch((c) -> c <= ' ' || c == 127)) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "healthCheck.path",
					"The health check path must start with / and hold no spaces");
		}
		double interval = (intervalSeconds != null) ? intervalSeconds : 1;
		double timeout = (timeoutSeconds != null) ? timeoutSeconds : 60;
		if (!(interval >= 0.1 && interval <= 600)) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "healthCheck.intervalSeconds",
					"The interval must be between 0.1 and 600 seconds");
		}
		if (!(timeout >= 1 && timeout <= 3600) || timeout < interval) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "healthCheck.timeoutSeconds",
					"The timeout must be between 1 and 3600 seconds, and no shorter than the interval");
		}
		return new HealthCheck(checked, checkedPath, Math.round(interval * 1000), Math.round(timeout * 1000));
	}

}
