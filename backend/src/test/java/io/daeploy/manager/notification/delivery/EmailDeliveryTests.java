package io.daeploy.manager.notification.delivery;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.config.DaeployProperties.Smtp.Security;
import io.daeploy.manager.notification.Notification;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.HOST_NAME;
import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.PASSWORD;
import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.SENDER;
import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.notification;
import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.original;
import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.properties;
import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.smtp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link EmailDelivery} against GreenMail: SMTPS (implicit TLS, its self-signed
 * certificate) and plain SMTP, which has no STARTTLS.
 */
class EmailDeliveryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS),
					new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP) })
		.withConfiguration(GreenMailConfiguration.aConfig().withUser(SENDER, SENDER, PASSWORD));

	@Test
	void mailsOverImplicitTlsWithTheOriginalSettings() throws Exception {
		EmailDelivery delivery = new EmailDelivery(
				original("127.0.0.1", greenMail.getSmtps().getPort(), SENDER, PASSWORD));
		Notification notification = notification("Disk <script>alert('x')</script> & full\nsecond line",
				List.of("ops@example.org", "dev@example.org"));

		delivery.deliver(notification, true).block(TIMEOUT);

		MimeMessage[] received = greenMail.getReceivedMessages();
		assertThat(received).hasSize(2); // one copy per recipient
		MimeMessage message = received[0];
		assertThat(message.getSubject()).isEqualTo("DAEPLOY-ALARM: Warning - shop 1.2.0");
		assertThat(message.getFrom()).extracting(Address::toString).containsExactly(SENDER);
		assertThat(message.getRecipients(Message.RecipientType.TO)).extracting(Address::toString)
			.containsExactly("ops@example.org", "dev@example.org");
		assertThat(message.getContentType()).startsWith("multipart/alternative");
		MimeMultipart parts = (MimeMultipart) message.getContent();
		assertThat(parts.getCount()).isEqualTo(2);
		BodyPart text = parts.getBodyPart(0);
		BodyPart html = parts.getBodyPart(1);
		assertThat(text.getContentType()).startsWith("text/plain");
		assertThat((String) text.getContent()).contains("An alarm has been triggered in shop 1.2.0")
			.contains("Message: Disk <script>alert('x')</script> & full")
			.contains("Severity: Warning")
			.contains("Host: " + HOST_NAME);
		assertThat(html.getContentType()).startsWith("text/html");
		assertThat((String) html.getContent())
			.contains("An alarm has been triggered in <span style=\"color: #eb3a2a;\">shop 1.2.0</span>")
			.contains("<strong>Message:</strong> Disk &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; full<br>")
			.contains("<strong>Severity:</strong> Warning")
			.contains("<strong>Host:</strong> " + HOST_NAME)
			.doesNotContain("<script>");
	}

	@Test
	void mailsOverPlainSmtpWithoutLogin() throws Exception {
		EmailDelivery delivery = new EmailDelivery(properties(
				smtp("127.0.0.1", greenMail.getSmtp().getPort(), Security.NONE), DaeployProperties.Config.NONE));

		delivery.deliver(notification("Queue is long", List.of("ops@example.org")), true).block(TIMEOUT);

		MimeMessage[] received = greenMail.getReceivedMessages();
		assertThat(received).hasSize(1);
		assertThat(received[0].getSubject()).isEqualTo("DAEPLOY-ALARM: Warning - shop 1.2.0");
		assertThat(Arrays.stream(received[0].getAllRecipients()).map(Address::toString))
			.containsExactly("ops@example.org");
	}

	@Test
	void requiredStarttlsIsNeverDowngradedToPlainText() {
		// GreenMail's SMTP offers no STARTTLS: the mail must not go out in the clear
		EmailDelivery delivery = new EmailDelivery(properties(
				smtp("127.0.0.1", greenMail.getSmtp().getPort(), Security.STARTTLS), DaeployProperties.Config.NONE));

		assertThatThrownBy(
				() -> delivery.deliver(notification("Queue is long", List.of("ops@example.org")), true).block(TIMEOUT))
			.hasMessageContaining("STARTTLS");
		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void wrongPasswordFails() {
		EmailDelivery delivery = new EmailDelivery(
				original("127.0.0.1", greenMail.getSmtps().getPort(), SENDER, "not-the-password"));

		assertThatThrownBy(
				() -> delivery.deliver(notification("Queue is long", List.of("ops@example.org")), true).block(TIMEOUT))
			.hasMessageContaining("Authentication failed");
		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void severityLabelsAreTheOriginals() throws Exception {
		EmailDelivery delivery = new EmailDelivery(
				original("127.0.0.1", greenMail.getSmtps().getPort(), SENDER, PASSWORD));
		Notification manager = new Notification(7, Notification.MANAGER, "", "Look", Notification.Severity.CRITICAL,
				true, List.of("ops@example.org"), 0, 1, null, null, null);

		delivery.deliver(manager, true).block(TIMEOUT);

		assertThat(greenMail.getReceivedMessages()).singleElement()
			.satisfies((message) -> assertThat(message.getSubject()).isEqualTo("DAEPLOY-ALARM: Critical - Manager"));
		assertThat(EmailDelivery.label(Notification.Severity.INFO)).isEqualTo("Info");
	}

	@Test
	void noMailWhenNotDue() {
		EmailDelivery delivery = new EmailDelivery(
				original("127.0.0.1", greenMail.getSmtps().getPort(), SENDER, PASSWORD));

		delivery.deliver(notification("Frozen", List.of("ops@example.org")), false).block(TIMEOUT);

		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void noMailWithoutRecipients() {
		EmailDelivery delivery = new EmailDelivery(
				original("127.0.0.1", greenMail.getSmtps().getPort(), SENDER, PASSWORD));

		delivery.deliver(notification("Nobody to tell", List.of()), true).block(TIMEOUT);

		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void noMailWithoutSmtpSettings() {
		EmailDelivery delivery = new EmailDelivery(
				properties(DaeployProperties.Notification.NONE.smtp(), DaeployProperties.Config.NONE));

		delivery.deliver(notification("No server", List.of("ops@example.org")), true).block(TIMEOUT);

		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void noMailWithoutSender() {
		EmailDelivery delivery = new EmailDelivery(original("127.0.0.1", greenMail.getSmtps().getPort(), null, null));

		delivery.deliver(notification("No sender", List.of("ops@example.org")), true).block(TIMEOUT);

		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

}
