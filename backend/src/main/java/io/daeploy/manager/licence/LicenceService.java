package io.daeploy.manager.licence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.ECKey;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.licence.LicenceKeys.InvalidLicenceException;
import io.daeploy.manager.notification.ManagerNotifier;
import io.daeploy.manager.notification.Notification.Severity;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.DependsOn;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * The manager's licence: activation, its state, the one place that decides what an
 * expired or invalid licence (or a licence's limits) refuses, and the warnings before it
 * expires.
 * <p>
 * Without a licence the manager runs in community mode, with no limits. A licence names
 * its holder, its expiry and, optionally, the most services and users. Once it has
 * expired (or no longer verifies), creating is refused: deploys, new users and new API
 * tokens; everything else goes on (running services, routes, logs, notifications, kills,
 * reads, sign-ins) and nothing is hidden or removed. The licence is verified offline
 * against the public key shipped in {@value #SHIPPED_KEY} or set with
 * {@code DAEPLOY_LICENCE_PUBLIC_KEY}.
 */
@Service
@DependsOn("flywayInitializer")
public class LicenceService implements SmartInitializingSingleton, DisposableBean {

	/** A licence with this many days left or fewer is {@link LicenceState#EXPIRING}. */
	public static final int EXPIRING_DAYS = 30;

	/** Days before expiry a warning is raised; 0 is the expiry itself. */
	static final List<Integer> WARNINGS = List.of(30, 7, 1, 0);

	/** How often the expiry is looked at for warnings. */
	static final Duration CHECK_EVERY = Duration.ofHours(1);

	static final String SHIPPED_KEY = "licence/daeploy-licence-public.jwk";

	private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

	private static final Log logger = LogFactory.getLog(LicenceService.class);

	private final LicenceStore store;

	private final ECKey publicKey;

	private final Clock clock;

	private final ManagerNotifier notifier;

	private final AtomicReference<Stored> current = new AtomicReference<>(Stored.NONE);

	private Disposable checking;

	LicenceService(LicenceStore store, LicenceProperties properties, Clock clock, ManagerNotifier notifier) {
		this.store = store;
		this.publicKey = publicKey(properties.publicKey());
		this.clock = clock;
		this.notifier = notifier;
	}

	/**
	 * The public key: the setting when given (a key or a file's path), the shipped one
	 * otherwise. A setting that is not a usable key stops the start, with its reason.
	 */
	static ECKey publicKey(String setting) {
		if (setting != null && !setting.isBlank()) {
			String text = setting.strip();
			if (!text.startsWith("{") && !text.startsWith("-----")) {
				try {
					text = Files.readString(Path.of(text), StandardCharsets.UTF_8);
				}
				catch (IOException | RuntimeException ex) {
					throw new UnusablePublicKeyException("DAEPLOY_LICENCE_PUBLIC_KEY is neither a JWK, nor PEM, "
							+ "nor a readable file: " + ex.getMessage(), ex);
				}
			}
			try {
				return LicenceKeys.parsePublicKey(text);
			}
			catch (IllegalArgumentException ex) {
				throw new UnusablePublicKeyException("DAEPLOY_LICENCE_PUBLIC_KEY: " + ex.getMessage(), ex);
			}
		}
		try (InputStream in = new ClassPathResource(SHIPPED_KEY).getInputStream()) {
			return LicenceKeys.parsePublicKey(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException("The shipped licence public key " + SHIPPED_KEY + " is missing", ex);
		}
	}

	@Override
	public void afterSingletonsInstantiated() {
		// once, before the server takes requests: the stored key is verified again, so a
		// changed public key or an edited row shows as INVALID
		this.store.load().map(this::stored).doOnNext(this.current::set).block();
		Stored stored = this.current.get();
		if (stored.row() != null) {
			logger.info("Licence: " + describe(stored, this.clock.instant()));
		}
		this.checking = Flux.interval(Duration.ZERO, CHECK_EVERY)
			.onBackpressureDrop()
			.concatMap((tick) -> warnIfDue().onErrorResume((ex) -> {
				logger.warn("Could not check the licence's expiry", ex);
				return Mono.empty();
			}))
			.subscribe();
	}

	@Override
	public void destroy() {
		if (this.checking != null) {
			this.checking.dispose();
		}
	}

	/**
	 * The licence as it stands now.
	 * @return its status
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<LicenceStatus> status() {
		return Mono.fromSupplier(() -> status(this.current.get(), this.clock.instant()));
	}

	/**
	 * Activates a licence key, replacing the licence before. A key that does not verify
	 * ({@code LICENCE_INVALID}) or has already expired ({@code LICENCE_EXPIRED}) is
	 * refused and the stored licence stays as it was.
	 * @param key the licence key
	 * @return the new status
	 */
	@PreAuthorize("hasRole('ADMIN')")
	public Mono<LicenceStatus> activate(String key) {
		return Mono.defer(() -> {
			Licence licence;
			try {
				licence = LicenceKeys.verify(key, this.publicKey);
			}
			catch (InvalidLicenceException ex) {
				return Mono.error(DaeployException.invalid(ErrorCode.LICENCE_INVALID, "key",
						ex.getMessage() + "; the licence was not changed"));
			}
			Instant now = this.clock.instant();
			if (!now.isBefore(licence.expiresAt())) {
				return Mono.error(
						DaeployException.invalid(ErrorCode.LICENCE_EXPIRED, "key", "This licence of " + licence.holder()
								+ " expired on " + DAY.format(licence.expiresAt()) + "; the licence was not changed"));
			}
			String stripped = key.strip();
			return this.store.save(stripped, now).map((row) -> {
				Stored stored = new Stored(row, licence, null);
				this.current.set(stored);
				logger.info("Licence activated: " + describe(stored, now));
				this.notifier.raise(Severity.INFO, "Licence activated for " + licence.holder() + ", valid until "
						+ DAY.format(licence.expiresAt()) + " (UTC)" + limitsText(licence.limits()));
				return status(stored, now);
			}).flatMap((status) -> warnIfDue().thenReturn(status));
		});
	}

	/**
	 * Whether the licence allows an act that creates something; the one place that
	 * decides it. Refuses with {@code LICENCE_EXPIRED} once the licence has expired,
	 * {@code LICENCE_INVALID} when the stored licence does not verify, and
	 * {@code LICENCE_LIMIT} when a valid licence's limit is reached. In community mode
	 * everything is allowed.
	 * @param act what is about to be created
	 * @param serviceName for a deploy, the service's name (a new version of a deployed
	 * service adds no service); otherwise ignored
	 * @return empty when allowed, an error otherwise
	 */
	public Mono<Void> admit(Act act, String serviceName) {
		return Mono.defer(() -> {
			Stored stored = this.current.get();
			LicenceStatus status = status(stored, this.clock.instant());
			switch (status.state()) {
				case NONE:
					return Mono.empty();
				case EXPIRED:
					return Mono.error(new DaeployException(ErrorCode.LICENCE_EXPIRED,
							"The licence of " + status.holder() + " expired on " + DAY.format(status.expiresAt()) + ": "
									+ act.refused() + " until a new licence is activated (activateLicence). Running "
									+ "services, routes, logs and everything else keep working."));
				case INVALID:
					return Mono.error(new DaeployException(ErrorCode.LICENCE_INVALID, "The stored licence is invalid ("
							+ status.problem() + "): " + act.refused() + " until a valid licence is activated."));
				default:
					return withinLimits(act, serviceName, status.limits());
			}
		});
	}

	private Mono<Void> withinLimits(Act act, String serviceName, Licence.Limits limits) {
		if (act == Act.DEPLOY && limits.maxServices() != null) {
			int max = limits.maxServices();
			Mono<Boolean> existing = (serviceName != null) ? this.store.serviceExists(serviceName) : Mono.just(false);
			return existing.flatMap((exists) -> exists ? Mono.<Void>empty() : this.store.countServices()
				.flatMap((count) -> (count < max) ? Mono.<Void>empty()
						: Mono.error(new DaeployException(ErrorCode.LICENCE_LIMIT, "The licence allows " + max
								+ " services and " + count + " are deployed: kill one, or deploy "
								+ "a new version of a deployed service, or activate a licence that allows more"))));
		}
		if (act == Act.CREATE_USER && limits.maxUsers() != null) {
			int max = limits.maxUsers();
			return this.store.countUsers()
				.flatMap((count) -> (count < max) ? Mono.<Void>empty()
						: Mono.error(new DaeployException(ErrorCode.LICENCE_LIMIT,
								"The licence allows " + max + " users (the admin included) and " + count
										+ " exist: delete one, or activate a " + "licence that allows more")));
		}
		return Mono.empty();
	}

	/**
	 * Raises the expiry warning that is due, if it was not raised before for this key:
	 * the smallest of 30, 7 and 1 days before expiry (and at expiry) that has been
	 * reached. A manager that was off while two were passed raises only the latest.
	 * @return completes when done
	 */
	Mono<Void> warnIfDue() {
		return Mono.defer(() -> {
			Stored stored = this.current.get();
			if (stored.licence() == null) {
				return Mono.empty();
			}
			Licence licence = stored.licence();
			Duration left = Duration.between(this.clock.instant(), licence.expiresAt());
			Integer due = null;
			for (int days : WARNINGS) {
				if (left.compareTo(Duration.ofDays(days)) <= 0) {
					due = days;
				}
			}
			if (due == null) {
				return Mono.empty();
			}
			int days = due;
			return this.store.markWarned(stored.row().key(), days).doOnNext((marked) -> {
				if (marked) {
					raiseWarning(licence, days);
				}
			}).then();
		});
	}

	private void raiseWarning(Licence licence, int days) {
		String date = DAY.format(licence.expiresAt());
		if (days == 0) {
			this.notifier.raise(Severity.CRITICAL,
					"The licence of " + licence.holder() + " expired on " + date + " (UTC): deploys, new users and "
							+ "new API tokens are refused until a new licence is activated. Running services keep "
							+ "working.");
			return;
		}
		this.notifier.raise((days == 1) ? Severity.CRITICAL : Severity.WARNING,
				"The licence of " + licence.holder() + " expires in " + days + ((days == 1) ? " day" : " days")
						+ ", on " + date + " (UTC): after that, deploys, new users and new API tokens are refused "
						+ "until a new licence is activated.");
	}

	private Stored stored(LicenceStore.Row row) {
		try {
			return new Stored(row, LicenceKeys.verify(row.key(), this.publicKey), null);
		}
		catch (InvalidLicenceException ex) {
			logger.warn("The stored licence is invalid: " + ex.getMessage());
			return new Stored(row, null, ex.getMessage());
		}
	}

	static LicenceStatus status(Stored stored, Instant now) {
		if (stored.row() == null) {
			return new LicenceStatus(LicenceState.NONE, null, null, null, Licence.Limits.NONE, null);
		}
		Licence licence = stored.licence();
		if (licence == null) {
			return new LicenceStatus(LicenceState.INVALID, null, null, stored.row().activatedAt(), Licence.Limits.NONE,
					stored.problem());
		}
		LicenceState state;
		if (!now.isBefore(licence.expiresAt())) {
			state = LicenceState.EXPIRED;
		}
		else if (Duration.between(now, licence.expiresAt()).compareTo(Duration.ofDays(EXPIRING_DAYS)) <= 0) {
			state = LicenceState.EXPIRING;
		}
		else {
			state = LicenceState.VALID;
		}
		return new LicenceStatus(state, licence.holder(), licence.expiresAt(), stored.row().activatedAt(),
				licence.limits(), null);
	}

	private static String describe(Stored stored, Instant now) {
		LicenceStatus status = status(stored, now);
		return switch (status.state()) {
			case INVALID -> "INVALID (" + status.problem() + ")";
			default -> status.state() + ", held by " + status.holder() + ", expires " + status.expiresAt()
					+ limitsText(status.limits());
		};
	}

	private static String limitsText(Licence.Limits limits) {
		StringBuilder text = new StringBuilder();
		if (limits.maxServices() != null) {
			text.append(", at most ").append(limits.maxServices()).append(" services");
		}
		if (limits.maxUsers() != null) {
			text.append(", at most ").append(limits.maxUsers()).append(" users");
		}
		return text.toString();
	}

	/**
	 * The acts a licence restricts.
	 */
	public enum Act {

		/** Deploying a service version. */
		DEPLOY("deploys are refused"),

		/** Creating a user. */
		CREATE_USER("new users are refused"),

		/** Creating an API token. */
		CREATE_TOKEN("new API tokens are refused");

		private final String refused;

		Act(String refused) {
			this.refused = refused;
		}

		String refused() {
			return this.refused;
		}

	}

	/**
	 * The stored licence as verified at start or activation.
	 *
	 * @param row the stored row, or {@code null} in community mode
	 * @param licence what it says, or {@code null} when it does not verify
	 * @param problem why it does not verify, or {@code null}
	 */
	record Stored(LicenceStore.Row row, Licence licence, String problem) {

		static final Stored NONE = new Stored(null, null, null);

	}

}
