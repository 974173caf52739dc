package io.daeploy.manager.deployment;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.daeploy.manager.build.Cancellation;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerState;
import io.daeploy.manager.service.ServiceLifecycle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * The health gate a started version passes before it is stored and routed: its health
 * check, tried every interval until it passes or the timeout has passed. A container that
 * exits meanwhile fails the gate at once. Without a health check, a running container
 * passes.
 */
@Component
class HealthGate {

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

	private final ServiceLifecycle lifecycle;

	/**
	 * Made by the first HTTP check, not at start: a JDK client starts its selector thread
	 * and sets up the default TLS context when it is built, about 180 classes and a
	 * thread in every manager, most of which never run an HTTP health check.
	 */
	private final SingletonSupplier<HttpClient> http = SingletonSupplier.of(() -> HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(2))
		.followRedirects(HttpClient.Redirect.NEVER)
		.version(HttpClient.Version.HTTP_1_1)
		.build());

	HealthGate(ServiceLifecycle lifecycle) {
		this.lifecycle = lifecycle;
	}

	/**
	 * Waits until a started version is healthy.
	 * @param name service name
	 * @param version service version
	 * @param port its port in the container
	 * @param check its health check, or {@code null}
	 * @param cancel the job's cancellation
	 * @return completion once healthy; {@code HEALTH_CHECK_FAILED} when it is not in time
	 * or its container exits, {@link Cancellation.Cancelled} when cancelled
	 */
	Mono<Void> pass(String name, String version, int port, HealthCheck check, Cancellation cancel) {
		if (check == null) {
			// as before health checks: a started container is enough
			return cancel.checkpoint();
		}
		AtomicReference<String> last = new AtomicReference<>("no attempt yet");
		Duration probeTimeout = (check.interval().compareTo(PROBE_TIMEOUT) < 0) ? PROBE_TIMEOUT : check.interval();
		return Flux.interval(Duration.ZERO, check.interval())
			.onBackpressureDrop()
			.concatMap((tick) -> container(name, version).flatMap((details) -> {
				if (details.state() != ContainerState.RUNNING) {
					last.set("the container is " + details.state().name().toLowerCase());
					return Mono.just(false);
				}
				String address = this.lifecycle.address(details, port);
				if (address == null) {
					last.set("the container's port is not published yet");
					return Mono.just(false);
				}
				return probe(check, address, probeTimeout).map((result) -> {
					last.set(result);
					return result.equals(PASSED);
				});
			}), 0)
			.filter(Boolean::booleanValue)
			.next()
			.timeout(check.timeout(),
					Mono.error(() -> new DaeployException(ErrorCode.HEALTH_CHECK_FAILED,
							"The version did not pass its health check (" + check.describe() + ") within "
									+ seconds(check.timeout()) + "; last attempt: " + last.get())))
			.takeUntilOther(cancel.whenCancelled())
			.then(cancel.checkpoint());
	}

	private static final String PASSED = "passed";

	/**
	 * The container now; an error when it is gone or has exited for good.
	 */
	private Mono<ContainerDetails> container(String name, String version) {
		return this.lifecycle.inspect(name, version)
			.switchIfEmpty(Mono
				.error(() -> new DaeployException(ErrorCode.HEALTH_CHECK_FAILED, "The version's container is gone")))
			.flatMap((details) -> {
				if (details.state() == ContainerState.EXITED || details.state() == ContainerState.DEAD) {
					return Mono.error(new DaeployException(ErrorCode.HEALTH_CHECK_FAILED,
							"The version's container exited"
									+ ((details.exitCode() != null) ? " with code " + details.exitCode() : "")
									+ " before it was healthy"));
				}
				return Mono.just(details);
			});
	}

	private Mono<String> probe(HealthCheck check, String address, Duration timeout) {
		if (check.kind() == HealthCheck.Kind.TCP) {
			return Mono.fromCallable(() -> {
				int colon = address.lastIndexOf(':');
				try (Socket socket = new Socket()) {
					socket.connect(
							new InetSocketAddress(address.substring(0, colon),
									Integer.parseInt(address.substring(colon + 1))),
							(int) Math.min(timeout.toMillis(), 2000));
					return PASSED;
				}
				catch (IOException ex) {
					return "TCP connect to the port failed (" + ex.getMessage() + ")";
				}
			}).subscribeOn(Schedulers.boundedElastic());
		}
		return Mono
			.fromCallable(() -> HttpRequest.newBuilder(URI.create("http://" + literal(address) + check.path()))
				.timeout(timeout)
				.header("User-Agent", "daeploy-health-check")
				.GET()
				.build())
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((request) -> Mono
				.fromFuture(() -> this.http.obtain().sendAsync(request, HttpResponse.BodyHandlers.discarding())))
			.map((response) -> (response.statusCode() >= 200 && response.statusCode() < 400) ? PASSED
					: "GET " + check.path() + " answered " + response.statusCode())
			.onErrorResume((ex) -> Mono.just("GET " + check.path() + " failed ("
					+ ((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName()) + ")"));
	}

	/**
	 * {@code host:port} with the host as an IP address when {@link URI} would not take it
	 * for a host: a container's name such as {@code daeploy-hello-1.0.0} (the manager in
	 * a container), whose last label starts with a digit. Resolves by name, so it blocks.
	 */
	static String literal(String address) throws IOException {
		if (URI.create("http://" + address + "/").getHost() != null) {
			return address;
		}
		int colon = address.lastIndexOf(':');
		InetAddress ip = InetAddress.getByName(address.substring(0, colon));
		String host = (ip instanceof Inet6Address) ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
		return host + address.substring(colon);
	}

	private static String seconds(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + " s"
				: String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
	}

}
