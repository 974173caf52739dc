package io.daeploy.manager.notification.delivery;

import java.util.Date;
import java.util.List;
import java.util.Locale;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.notification.Notification;
import io.daeploy.manager.notification.NotificationDelivery;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * E-mails a notification to its recipients when its e-mail is due, in the original's
 * format: subject {@code DAEPLOY-ALARM: <severity> - <service> <version>}, an HTML part
 * naming the service, message, severity and host, and a plain-text part beside it.
 * Sending blocks, so it runs on {@link Schedulers#boundedElastic()}.
 */
@Component
class EmailDelivery implements NotificationDelivery {

	private static final Log logger = LogFactory.getLog(EmailDelivery.class);

	private final SmtpSettings settings;

	private final String hostName;

	private final JavaMailSenderImpl sender;

	EmailDelivery(DaeployProperties properties) {
		this.settings = SmtpSettings.of(properties);
		this.hostName = properties.hostName();
		this.sender = this.settings.configured() ? this.settings.newSender() : null;
	}

	SmtpSettings settings() {
		return this.settings;
	}

	@Override
	public Mono<Void> deliver(Notification notification, boolean email) {
		if (!email || notification.emails().isEmpty() || this.sender == null) {
			return Mono.empty();
		}
		String service = service(notification);
		String severity = label(notification.severity());
		String subject = "DAEPLOY-ALARM: " + severity + " - " + service;
		String text = "An alarm has been triggered in " + service + "\n\nMessage: " + notification.message()
				+ "\nSeverity: " + severity + "\nHost: " + this.hostName + "\n";
		String html = "<!DOCTYPE html>\n<html><body>\n<h1>An alarm has been triggered in "
				+ "<span style=\"color: #eb3a2a;\">" + escape(service) + "</span></h1>\n"
				+ "<p><strong>Message:</strong> " + escape(notification.message()).replace("\n", "<br>\n")
				+ "</p>\n<p><strong>Severity:</strong> " + severity + "</p>\n<p><strong>Host:</strong> "
				+ escape(this.hostName) + "</p>\n</body></html>\n";
		return send(notification.emails(), subject, text, html).doOnSuccess((done) -> logger.debug(
				"Mailed notification " + notification.id() + " to " + notification.emails().size() + " recipient(s)"));
	}

	/**
	 * Sends one multipart/alternative mail from the sender, off the caller's thread.
	 * @param recipients the addresses
	 * @param subject the subject; control characters become spaces
	 * @param text the plain-text part
	 * @param html the HTML part
	 * @return completion, or the send's error
	 */
	Mono<Void> send(List<String> recipients, String subject, String text, String html) {
		if (this.sender == null) {
			return Mono.error(new IllegalStateException("SMTP is not configured: " + this.settings));
		}
		return Mono.fromRunnable(() -> this.sender.send(message(recipients, subject, text, html)))
			.subscribeOn(Schedulers.boundedElastic())
			.then();
	}

	private MimeMessage message(List<String> recipients, String subject, String text, String html) {
		try {
			MimeMessage message = this.sender.createMimeMessage();
			message.setFrom(new InternetAddress(this.settings.from(), true));
			message.setRecipients(Message.RecipientType.TO, addresses(recipients));
			message.setSubject(subject.replaceAll("\\p{Cntrl}", " "), "UTF-8");
			message.setSentDate(new Date());
			MimeBodyPart textPart = new MimeBodyPart();
			textPart.setText(text, "UTF-8", "plain");
			MimeBodyPart htmlPart = new MimeBodyPart();
			htmlPart.setText(html, "UTF-8", "html");
			// the last part is the preferred one
			MimeMultipart alternative = new MimeMultipart("alternative", textPart, htmlPart);
			message.setContent(alternative);
			return message;
		}
		catch (MessagingException ex) {
			throw new MailPreparationException("Could not build the mail: " + ex.getMessage(), ex);
		}
	}

	private static InternetAddress[] addresses(List<String> recipients) throws AddressException {
		InternetAddress[] addresses = new InternetAddress[recipients.size()];
		for (int i = 0; i < addresses.length; i++) {
			addresses[i] = new InternetAddress(recipients.get(i).trim(), true);
		}
		return addresses;
	}

	private static String service(Notification notification) {
		String version = (notification.serviceVersion() != null) ? notification.serviceVersion() : "";
		return (notification.serviceName() + " " + version).trim();
	}

	/**
	 * The original's severity label.
	 * @param severity a severity
	 * @return {@code Info}, {@code Warning} or {@code Critical}
	 */
	static String label(Notification.Severity severity) {
		String name = severity.name();
		return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
	}

	private static String escape(String value) {
		return HtmlUtils.htmlEscape((value != null) ? value : "", "UTF-8");
	}

}
