package io.daeploy.manager.notification;

/**
 * Raises the manager's own notifications (service name {@code Manager}): Traefik crashed,
 * a service died unexpectedly, e-mail is misconfigured. Never throws.
 */
@FunctionalInterface
public interface ManagerNotifier {

	/**
	 * Raises a notification of the manager's.
	 * @param severity how bad it is
	 * @param message what happened
	 */
	void raise(Notification.Severity severity, String message);

}
