package io.daeploy.manager.notification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import io.daeploy.manager.auth.Caller;
import io.daeploy.manager.proxy.ProxyIncident;
import io.daeploy.manager.auth.Role;
import io.daeploy.manager.notification.Notification.Severity;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Raises, lists and deletes notifications. A raise is stored first (counted when it
 * repeats an existing one), then published to subscribers and handed to every
 * {@link NotificationDelivery}, neither of which can delay or fail it.
 */
@Service
public class NotificationService implements ManagerNotifier {

	/** Events a subscriber's delivery holds beyond its buffer. */
	private static final int DELIVERY_PREFETCH = 32;

	static final int MAX_MESSAGE = 10_000;

	static final int MAX_TIMER = 86_400;

	static final int MAX_NAME = 255;

	static final int MAX_RECIPIENTS = 50;

	static final int MAX_ADDRESS = 254;

	static final int MAX_PAGE = 500;

	/** Raises a slow subscriber may fall behind by before it loses the oldest. */
	private static final int SUBSCRIBER_BUFFER = 256;

	private static final Log logger = LogFactory.getLog(NotificationService.class);

	private final NotificationStore store;

	private final ObjectProvider<NotificationDelivery> deliveries;

	private final Clock clock;

	private final Sinks.Many<Notification> raised = Sinks.many().multicast().directBestEffort();

	NotificationService(NotificationStore store, ObjectProvider<NotificationDelivery> deliveries, Clock clock) {
		this.store = store;
		this.deliveries = deliveries;
		this.clock = clock;
	}

	/**
	 * Raises a notification. A service raises its own: its name and version come from its
	 * token, and naming another is refused. Users name the service.
	 * @param raise what to raise
	 * @return the notification as stored after this raise
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER', 'SERVICE')")
	public Mono<Notification> raise(Raise raise) {
		return Caller.current().flatMap((caller) -> Mono.defer(() -> store(validate(raise, caller))));
	}

	/**
	 * Raises one of the manager's own notifications (service name {@code Manager}, shown
	 * on dashboards, no e-mail). Callable from anywhere; never fails the caller: a
	 * failure is logged.
	 * @param severity how bad it is
	 * @param message what happened
	 */
	@Override
	public void raise(Severity severity, String message) {
		raiseManager(severity, message);
	}

	/**
	 * Tells users about a proxy incident, such as Traefik crashing.
	 * @param incident what happened
	 */
	@EventListener
	void onProxyIncident(ProxyIncident incident) {
		raiseManager(Severity.WARNING, incident.message());
	}

	/**
	 * Raises one of the manager's own notifications; see
	 * {@link #raise(Severity, String)}.
	 * @param severity how bad it is
	 * @param message what happened
	 */
	public void raiseManager(Severity severity, String message) {
		try {
			String text = (message == null || message.isBlank()) ? "(no message)" : message;
			if (text.length() > MAX_MESSAGE) {
				text = text.substring(0, MAX_MESSAGE - 1) + "…";
			}
			Notification notification = new Notification(0, Notification.MANAGER, "", text,
					(severity != null) ? severity : Severity.WARNING, true, List.of(), 0, 0, null, null, null);
			store(notification).subscribe(null,
					(ex) -> logger.warn("Could not store the manager's notification '" + message + "'", ex));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not raise the manager's notification '" + message + "'", ex);
		}
	}

	/**
	 * A page of notifications, most recently raised first.
	 * @param first at most this many (1 to 500), 50 when {@code null}
	 * @param before only those raised before this notification (its id), or {@code null}
	 * @param severities only these, or all when {@code null} or empty
	 * @param serviceName only this service's, or all when {@code null}
	 * @return the page
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Page> page(Integer first, String before, Set<Severity> severities, String serviceName) {
		return Mono.defer(() -> {
			int limit = (first != null) ? first : 50;
			if (limit < 1 || limit > MAX_PAGE) {
				return Mono.error(DaeployException.invalid(ErrorCode.INVALID_INPUT, "first",
						"Ask for 1 to " + MAX_PAGE + " notifications"));
			}
			Mono<Notification> after = (before != null) ? existing(before, "before") : Mono.empty();
			return after.map(List::of)
				.defaultIfEmpty(List.of())
				.flatMap((cursor) -> this.store
					.find(limit + 1, cursor.isEmpty() ? null : cursor.get(0), severities, serviceName)
					.collectList())
				.map((rows) -> new Page(rows.subList(0, Math.min(limit, rows.size())), rows.size() > limit));
		});
	}

	/**
	 * Every notification, most recently raised first.
	 * @return the notifications
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Flux<Notification> all() {
		return this.store.find(MAX_LISTED, null, null, null);
	}

	/** The most notifications the original's REST list returns, newest first. */
	static final int MAX_LISTED = 1000;

	/**
	 * Deletes one notification.
	 * @param id its id
	 * @return the id of the deleted notification
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Long> delete(String id) {
		return Mono.defer(() -> {
			long key = parseId(id, "id");
			return this.store.delete(key)
				.flatMap((deleted) -> deleted ? Mono.just(key) : Mono.error(notFound(id, "id")));
		});
	}

	/**
	 * Deletes every notification, or one service's.
	 * @param serviceName the service, or {@code null} for all
	 * @return how many were deleted
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Long> clear(String serviceName) {
		return this.store.clear(serviceName);
	}

	/**
	 * Notifications as they are raised, new ones and repeats. A subscriber that falls
	 * more than a few hundred raises behind loses the oldest; it never slows a raise.
	 * @return the raised notifications, as stored after each raise
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Flux<Notification> raised() {
		// each subscriber's GraphQL execution and encoding runs off the raising thread
		// (the store's), so a raise costs the same with 1 subscriber or 200
		return this.raised.asFlux()
			.onBackpressureBuffer(SUBSCRIBER_BUFFER,
					(dropped) -> logger.debug("A slow subscriber missed notification " + dropped.id()),
					BufferOverflowStrategy.DROP_OLDEST)
			.publishOn(Schedulers.parallel(), DELIVERY_PREFETCH);
	}

	int subscribers() {
		return this.raised.currentSubscriberCount();
	}

	private Mono<Notification> existing(String id, String field) {
		return Mono.defer(() -> this.store.find(parseId(id, field)))
			.switchIfEmpty(Mono.error(() -> notFound(id, field)));
	}

	private static long parseId(String id, String field) {
		try {
			return Long.parseLong(id);
		}
		catch (NumberFormatException ex) {
			throw notFound(id, field);
		}
	}

	private static DaeployException notFound(String id, String field) {
		return new DaeployException(ErrorCode.NOTIFICATION_NOT_FOUND, "No notification with id '" + id + "'", field,
				null);
	}

	private Mono<Notification> store(Notification raise) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		return this.store.raise(dedupeKey(raise), raise, now).doOnNext(this::publish).map((r) -> r.notification());
	}

	private void publish(NotificationStore.Raised raise) {
		synchronized (this.raised) {
			this.raised.tryEmitNext(raise.notification());
		}
		this.deliveries.orderedStream()
			.forEach((delivery) -> Mono.defer(() -> delivery.deliver(raise.notification(), raise.emailDue()))
				.subscribeOn(Schedulers.boundedElastic())
				.subscribe(null, (ex) -> {
					logger.warn(delivery.getClass().getSimpleName() + " could not deliver notification "
							+ raise.notification().id() + ": " + ex);
					logger.debug("Delivery failure", ex);
				}));
	}

	/**
	 * The checked notification a caller raises; nothing is stored when a check fails.
	 */
	private static Notification validate(Raise raise, Caller caller) {
		String message = raise.message();
		if (message == null || message.isBlank()) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "message", "The message is empty");
		}
		if (message.length() > MAX_MESSAGE) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "message",
					"The message is longer than " + MAX_MESSAGE + " characters");
		}
		String name = raise.serviceName();
		String version = raise.serviceVersion();
		if (caller.role() == Role.SERVICE) {
			int colon = caller.name().indexOf(':');
			String ownName = (colon >= 0) ? caller.name().substring(0, colon) : caller.name();
			String ownVersion = (colon >= 0) ? caller.name().substring(colon + 1) : "";
			if (name != null && !name.equals(ownName)) {
				throw new DaeployException(ErrorCode.FORBIDDEN,
						"A service raises notifications as itself only (" + ownName + ")", "serviceName", null);
			}
			if (version != null && !version.equals(ownVersion)) {
				throw new DaeployException(ErrorCode.FORBIDDEN,
						"A service raises notifications as itself only (version " + ownVersion + ")", "serviceVersion",
						null);
			}
			name = ownName;
			version = ownVersion;
		}
		else if (name == null) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "serviceName",
					"Name the service the notification is about");
		}
		if (name.strip().equalsIgnoreCase(Notification.MANAGER)) {
			throw new DaeployException(ErrorCode.FORBIDDEN,
					"'" + Notification.MANAGER + "' is the manager's own name; only the manager raises as it",
					"serviceName", null);
		}
		if (name.isBlank() || name.length() > MAX_NAME) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "serviceName",
					"The service name must have 1 to " + MAX_NAME + " characters");
		}
		version = (version != null) ? version : "";
		if (version.length() > MAX_NAME) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "serviceVersion",
					"The service version must have at most " + MAX_NAME + " characters");
		}
		int timer = (raise.timer() != null) ? raise.timer() : 0;
		if (timer < 0 || timer > MAX_TIMER) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "timer",
					"The timer must be 0 to " + MAX_TIMER + " seconds");
		}
		List<String> emails = (raise.emails() != null) ? raise.emails() : List.of();
		if (emails.size() > MAX_RECIPIENTS) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "emails",
					"At most " + MAX_RECIPIENTS + " recipients");
		}
		for (String email : emails) {
			if (!plausibleAddress(email)) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "emails",
						"Not an e-mail address: '" + email + "'");
			}
		}
		return new Notification(0, name, version, message,
				(raise.severity() != null) ? raise.severity() : Severity.INFO, !Boolean.FALSE.equals(raise.dashboard()),
				emails.stream().distinct().toList(), timer, 0, null, null, null);
	}

	/**
	 * One {@code @} with something on both sides, no whitespace or control characters,
	 * and not longer than an address can be.
	 */
	static boolean plausibleAddress(String email) {
		if (email == null || email.isEmpty() || email.length() > MAX_ADDRESS) {
			return false;
		}
		int at = email.indexOf('@');
		return at > 0 && at == email.lastIndexOf('@') && at < email.length() - 1
				&& email.chars().noneMatch((c) -> Character.isWhitespace(c) || Character.isISOControl(c));
	}

	/**
	 * What identifies a notification, as in the original: service name, version, message,
	 * severity, dashboard flag and timer (not the recipients, not the time).
	 */
	static String dedupeKey(Notification notification) {
		StringBuilder key = new StringBuilder();
		for (Object part : List.of(notification.serviceName(), notification.serviceVersion(), notification.message(),
				notification.severity().name(), notification.dashboard(), notification.timer())) {
			String text = part.toString();
			// length-prefixed, so no two different tuples give the same text
			key.append(text.length()).append(':').append(text).append(';');
		}
		try {
			return HexFormat.of()
				.formatHex(
						MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	/**
	 * A notification to raise; {@code null} fields take their defaults.
	 *
	 * @param message what happened
	 * @param severity how bad it is, INFO by default
	 * @param serviceName the service it is about; a service's own by default
	 * @param serviceVersion the version it is about; a service's own by default, else
	 * empty
	 * @param dashboard whether dashboards show it, true by default
	 * @param emails who to e-mail, nobody by default
	 * @param timer seconds between e-mails about it, 0 by default
	 */
	public record Raise(String message, Severity severity, String serviceName, String serviceVersion, Boolean dashboard,
			List<String> emails, Integer timer) {
	}

	/**
	 * A page of notifications.
	 *
	 * @param notifications the notifications, most recently raised first
	 * @param hasMore whether older ones exist
	 */
	public record Page(List<Notification> notifications, boolean hasMore) {
	}

}
