package io.daeploy.manager.notification.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

import io.daeploy.manager.notification.ManagerNotifier;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.notification.Notification;
import io.daeploy.manager.notification.NotificationDelivery;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Posts every raise of a notification as JSON to
 * {@code DAEPLOY_NOTIFICATION_WEBHOOK_URL}. Each attempt has a timeout; connection
 * errors, timeouts and 5xx answers are retried with exponential backoff, other answers
 * are not. When it gives up it logs a warning and completes: a webhook never fails a
 * raise. A URL that is not http or https is reported at start (log and manager
 * notification) and disables the webhook. At most {@value #MAX_IN_FLIGHT} posts are under
 * way at once and {@value #MAX_WAITING} wait; beyond that a raise is not posted (logged).
 */
@Component
class WebhookDelivery implements NotificationDelivery, DisposableBean {

	private static final Log logger = LogFactory.getLog(WebhookDelivery.class);

	static final int MAX_IN_FLIGHT = 8;

	static final int MAX_WAITING = 1000;

	private static final int MAX_ANSWER = 4096;

	private final DaeployProperties.Webhook settings;

	private final JsonMapper json;

	private final ObjectProvider<ManagerNotifier> notifier;

	private final URI uri;

	private final String problem;

	private final ExecutorService executor;

	private final HttpClient client;

	private final Sinks.Many<Job> queue;

	private final Disposable posting;

	@Autowired
	WebhookDelivery(DaeployProperties properties, ObjectProvider<JsonMapper> json,
			ObjectProvider<ManagerNotifier> notifier) {
		this(properties.notification().webhook(), json.getIfAvailable(JsonMapper::shared), notifier);
	}

	WebhookDelivery(DaeployProperties.Webhook settings, JsonMapper json, ObjectProvider<ManagerNotifier> notifier) {
		this.settings = settings;
		this.json = json;
		this.notifier = notifier;
		URI uri = null;
		String problem = null;
		if (StringUtils.hasText(settings.url())) {
			try {
				uri = validate(settings.url().trim());
			}
			catch (IllegalArgumentException ex) {
				problem = "Invalid webhook URL '" + settings.url() + "' (DAEPLOY_NOTIFICATION_WEBHOOK_URL): "
						+ ex.getMessage() + ". Notifications are not posted to a webhook.";
			}
		}
		this.uri = uri;
		this.problem = problem;
		if (uri != null) {
			this.executor = Executors.newFixedThreadPool(2, (task) -> {
				Thread thread = new Thread(task, "webhook");
				thread.setDaemon(true);
				return thread;
			});
			this.client = HttpClient.newBuilder()
				.connectTimeout(settings.timeout())
				.followRedirects(HttpClient.Redirect.NEVER)
				.executor(this.executor)
				.build();
			// one queue of posts, a few at a time, so a burst of raises cannot open a
			// connection each
			this.queue = Sinks.many().unicast().onBackpressureBuffer();
			this.posting = this.queue.asFlux()
				.onBackpressureBuffer(MAX_WAITING,
						(dropped) -> logger.warn("Too many notifications wait for the webhook; one is not posted"))
				.flatMap((job) -> job.post().doFinally((signal) -> job.done().tryEmitEmpty()), MAX_IN_FLIGHT)
				.subscribe();
		}
		else {
			this.executor = null;
			this.client = null;
			this.queue = null;
			this.posting = null;
		}
	}

	private static URI validate(String url) {
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("not a URL (" + ex.getReason() + ")");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new IllegalArgumentException("only http and https URLs are supported");
		}
		if (!StringUtils.hasText(uri.getHost())) {
			throw new IllegalArgumentException("no host");
		}
		return uri;
	}

	/**
	 * Whether notifications are posted.
	 * @return whether a valid URL is set
	 */
	boolean enabled() {
		return this.uri != null;
	}

	@EventListener(ApplicationReadyEvent.class)
	void reportBadUrl() {
		if (this.problem == null) {
			return;
		}
		logger.warn(this.problem);
		try {
			this.notifier.ifAvailable((notifier) -> notifier.raise(Notification.Severity.WARNING, this.problem));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not raise the manager notification: " + this.problem, ex);
		}
	}

	@Override
	public Mono<Void> deliver(Notification notification, boolean email) {
		if (this.client == null) {
			return Mono.empty();
		}
		Mono<Void> post = Mono.fromCallable(() -> this.json.writeValueAsString(Payload.of(notification)))
			.flatMap((body) -> attempt(body).timeout(this.settings.timeout())
				.retryWhen(Retry.backoff(Math.max(0, this.settings.retries()), this.settings.backoff())
					.filter((ex) -> !(ex instanceof RejectedException))
					.doBeforeRetry((signal) -> logger.debug(
							"Retrying webhook for notification " + notification.id() + " after: " + signal.failure()))
					.onRetryExhaustedThrow((spec, signal) -> signal.failure())))
			.doOnSuccess((done) -> logger.debug("Posted notification " + notification.id() + " to the webhook"))
			.onErrorResume((ex) -> {
				logger.warn("Gave up posting notification " + notification.id() + " to the webhook " + this.uri + ": "
						+ describe(ex));
				return Mono.empty();
			})
			.then();
		return Mono.defer(() -> {
			Job job = new Job(post, Sinks.empty());
			synchronized (this.queue) {
				if (this.queue.tryEmitNext(job).isFailure()) {
					return Mono.empty();
				}
			}
			return job.done().asMono();
		});
	}

	private Mono<Void> attempt(String body) {
		HttpRequest request = HttpRequest.newBuilder(this.uri)
			.timeout(this.settings.timeout())
			.header("Content-Type", "application/json")
			.header("User-Agent", "daeploy-manager")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build();
		return Mono.fromFuture(() -> this.client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()))
			.publishOn(Schedulers.boundedElastic())
			.map((response) -> new Answer(response.statusCode(), head(response.body())))
			.flatMap((answer) -> {
				if (answer.status() >= 200 && answer.status() < 300) {
					return Mono.empty();
				}
				if (answer.status() >= 500) {
					return Mono.error(new IllegalStateException("answered " + answer.status()));
				}
				return Mono.error(new RejectedException(answer));
			});
	}

	/**
	 * The start of an answer's body, for the log; the rest is not read.
	 */
	private static String head(InputStream body) {
		try (body) {
			return new String(body.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static String describe(Throwable ex) {
		if (ex instanceof TimeoutException || ex instanceof java.net.http.HttpTimeoutException) {
			return "no answer in time";
		}
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	@Override
	public void destroy() {
		if (this.posting != null) {
			this.posting.dispose();
		}
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	/**
	 * The JSON posted for one raise.
	 *
	 * @param id the notification's id
	 * @param serviceName the raising service, {@code Manager} for the manager's own
	 * @param serviceVersion the raising version
	 * @param message what happened
	 * @param severity {@code INFO}, {@code WARNING} or {@code CRITICAL}
	 * @param counter how many times it was raised
	 * @param firstRaisedAt ISO-8601 instant of the first raise
	 * @param lastRaisedAt ISO-8601 instant of this raise
	 * @param dashboard whether the raiser asked for it to show on dashboards
	 */
	record Payload(long id, String serviceName, String serviceVersion, String message, String severity, int counter,
			String firstRaisedAt, String lastRaisedAt, boolean dashboard) {

		static Payload of(Notification notification) {
			return new Payload(notification.id(), notification.serviceName(), notification.serviceVersion(),
					notification.message(), notification.severity().name(), notification.counter(),
					iso(notification.firstRaisedAt()), iso(notification.lastRaisedAt()), notification.dashboard());
		}

		private static String iso(Instant instant) {
			return (instant != null) ? instant.toString() : null;
		}

	}

	private record Answer(int status, String body) {
	}

	/**
	 * A post waiting for its turn, and what tells its raiser it is over.
	 */
	private record Job(Mono<Void> post, Sinks.Empty<Void> done) {
	}

	/**
	 * An answer that retrying will not change (4xx, 3xx).
	 */
	private static final class RejectedException extends RuntimeException {

		RejectedException(Answer answer) {
			super("answered " + answer.status()
					+ (answer.body().isBlank() ? "" : ": " + abbreviate(answer.body().strip(), 200)));
		}

		private static String abbreviate(String text, int max) {
			return (text.length() <= max) ? text : text.substring(0, max) + "...";
		}

	}

}
