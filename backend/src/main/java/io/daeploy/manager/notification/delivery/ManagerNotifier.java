package io.daeploy.manager.notification.delivery;

import io.daeploy.manager.notification.Notification;

/**
 * Raises one of the manager's own notifications (service name {@code Manager}, shown on
 * the dashboard, no e-mail), as the original does for configuration problems.
 */
@FunctionalInterface
public interface ManagerNotifier {

	/**
	 * Raises a manager notification.
	 * @param severity how bad it is
	 * @param message what is wrong
	 */
	void raise(Notification.Severity severity, String message);

}
