package io.daeploy.manager.notification.delivery;

import java.util.List;

import io.daeploy.manager.notification.ManagerNotifier;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.notification.Notification.Severity;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * The original's e-mail self-check, run once the manager is ready and only when any SMTP
 * setting is set: a manager notification per missing setting, then a test mail from the
 * sender to itself; a warning when that fails. It runs in the background and never delays
 * or fails the start.
 */
@Component
class EmailSelfCheck {

	static final String TEST_SUBJECT = "DAEPLOY-EMAIL CONNECTION";

	static final String CONNECTION_FAILED = "Could not connect to the SMTP server. "
			+ "Cannot guarantee that email notifications get sent. Error Message: ";

	private static final Log logger = LogFactory.getLog(EmailSelfCheck.class);

	private final EmailDelivery email;

	private final String hostName;

	private final ObjectProvider<ManagerNotifier> notifier;

	EmailSelfCheck(EmailDelivery email, DaeployProperties properties, ObjectProvider<ManagerNotifier> notifier) {
		this.email = email;
		this.hostName = properties.hostName();
		this.notifier = notifier;
	}

	@EventListener(ApplicationReadyEvent.class)
	void onReady() {
		check().subscribe(null, (ex) -> logger.warn("E-mail self-check failed", ex));
	}

	/**
	 * Runs the check.
	 * @return completion once the test mail was sent or its failure reported; never an
	 * error
	 */
	Mono<Void> check() {
		SmtpSettings settings = this.email.settings();
		if (!settings.anySet()) {
			return Mono.empty();
		}
		return Mono.defer(() -> {
			for (String problem : settings.problems()) {
				logger.warn(problem);
				raise(Severity.WARNING, problem);
			}
			if (!settings.configured()) {
				return Mono.empty();
			}
			String text = "An e-mail connection has been established with the Daeploy manager. "
					+ "Notifications from services running on host " + this.hostName
					+ " can now be e-mailed from this address.\n";
			String html = "<!DOCTYPE html>\n<html><body>\n"
					+ "<h1>An e-mail connection has been established with the Daeploy manager</h1>\n"
					+ "<p>Notifications from services running on host <strong>"
					+ HtmlUtils.htmlEscape(this.hostName, "UTF-8")
					+ "</strong> can now be e-mailed from this address.</p>\n</body></html>\n";
			return this.email.send(List.of(settings.from()), TEST_SUBJECT, text, html)
				.doOnSuccess((done) -> logger.info("Sent the SMTP test mail to " + settings.from()))
				.onErrorResume((ex) -> {
					String message = CONNECTION_FAILED + describe(ex);
					logger.warn(message + " (" + settings + ")");
					raise(Severity.WARNING, message);
					return Mono.empty();
				});
		});
	}

	private void raise(Severity severity, String message) {
		try {
			this.notifier.ifAvailable((notifier) -> notifier.raise(severity, message));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not raise the manager notification: " + message, ex);
		}
	}

	private static String describe(Throwable ex) {
		StringBuilder description = new StringBuilder(String.valueOf(ex.getMessage()));
		Throwable cause = ex.getCause();
		while (cause != null && cause != cause.getCause()) {
			if (cause.getMessage() != null && !description.toString().contains(cause.getMessage())) {
				description.append(": ").append(cause.getMessage());
			}
			cause = cause.getCause();
		}
		return description.toString();
	}

}
