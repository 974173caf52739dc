package io.daeploy.manager.notification;

import reactor.core.publisher.Mono;

/**
 * Sends a raised notification somewhere outside the manager (e-mail, a webhook). Called
 * after the notification is stored, off the caller's path: a slow or failing delivery
 * never fails or delays the raise.
 */
public interface NotificationDelivery {

	/**
	 * Delivers one raise of a notification.
	 * @param notification the notification as stored after this raise
	 * @param email whether its e-mail is due now (recipients given and the freeze window
	 * passed); deliveries that are not e-mail ignore it
	 * @return completion; errors are logged by the caller, never retried by it
	 */
	Mono<Void> deliver(Notification notification, boolean email);

}
