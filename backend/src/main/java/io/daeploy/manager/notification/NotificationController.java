package io.daeploy.manager.notification;

import java.util.EnumSet;
import java.util.List;

import io.daeploy.manager.notification.Notification.Severity;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of {@link NotificationService}.
 */
@Controller
class NotificationController {

	private final NotificationService notifications;

	NotificationController(NotificationService notifications) {
		this.notifications = notifications;
	}

	@QueryMapping
	Mono<NotificationService.Page> notifications(@Argument Integer first, @Argument String before,
			@Argument List<Severity> severity, @Argument String serviceName) {
		return this.notifications.page(first, before,
				(severity == null || severity.isEmpty()) ? null : EnumSet.copyOf(severity), serviceName);
	}

	@MutationMapping
	Mono<RaiseNotificationPayload> raiseNotification(@Argument NotificationService.Raise input) {
		return this.notifications.raise(input).map(RaiseNotificationPayload::new);
	}

	@MutationMapping
	Mono<DeleteNotificationPayload> deleteNotification(@Argument DeleteNotificationInput input) {
		return this.notifications.delete(input.id()).map((id) -> new DeleteNotificationPayload(Long.toString(id)));
	}

	@MutationMapping
	Mono<ClearNotificationsPayload> clearNotifications(@Argument ClearNotificationsInput input) {
		return this.notifications.clear((input != null) ? input.serviceName() : null)
			.map((count) -> new ClearNotificationsPayload((int) Math.min(Integer.MAX_VALUE, count)));
	}

	@SubscriptionMapping("notifications")
	Flux<Notification> raisedNotifications() {
		return this.notifications.raised();
	}

	record RaiseNotificationPayload(Notification notification) {
	}

	record DeleteNotificationInput(String id) {
	}

	record DeleteNotificationPayload(String id) {
	}

	record ClearNotificationsInput(String serviceName) {
	}

	record ClearNotificationsPayload(int deleted) {
	}

}
