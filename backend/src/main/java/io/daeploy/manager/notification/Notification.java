package io.daeploy.manager.notification;

import java.time.Instant;
import java.util.List;

/**
 * A stored notification.
 *
 * @param id its id
 * @param serviceName the raising service, or {@code Manager} for the manager's own
 * @param serviceVersion the raising version; empty for the manager's own
 * @param message what happened
 * @param severity how bad it is
 * @param dashboard whether the raiser asked for it to show on dashboards
 * @param emails who is e-mailed about it
 * @param timer seconds between e-mails about it (0: every time)
 * @param counter how many times it was raised
 * @param firstRaisedAt when it was first raised
 * @param lastRaisedAt when it was last raised
 * @param frozenUntil no e-mail about it before this time; {@code null} when never mailed
 */
public record Notification(long id, String serviceName, String serviceVersion, String message, Severity severity,
		boolean dashboard, List<String> emails, int timer, int counter, Instant firstRaisedAt, Instant lastRaisedAt,
		Instant frozenUntil) {

	/** The service name of the manager's own notifications, as in the original. */
	public static final String MANAGER = "Manager";

	public Notification {
		emails = List.copyOf(emails);
	}

	/**
	 * How bad a notification is; the original's integers are 0, 1 and 2.
	 */
	public enum Severity {

		INFO, WARNING, CRITICAL;

		/**
		 * The original's integer severity; anything unknown is shown as INFO, as there.
		 * @param value 0, 1 or 2
		 * @return the severity
		 */
		public static Severity of(int value) {
			return switch (value) {
				case 1 -> WARNING;
				case 2 -> CRITICAL;
				default -> INFO;
			};
		}

	}

}
