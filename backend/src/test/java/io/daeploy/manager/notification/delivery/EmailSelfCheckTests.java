package io.daeploy.manager.notification.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.notification.Notification.Severity;
import io.daeploy.manager.notification.delivery.DeliveryTestSupport.CapturingNotifier;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.PASSWORD;
import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.SENDER;
import static io.daeploy.manager.notification.delivery.DeliveryTestSupport.original;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up e-mail check: manager notifications for missing settings, a test mail, a
 * warning when the server cannot be reached.
 */
class EmailSelfCheckTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS) })
		.withConfiguration(GreenMailConfiguration.aConfig().withUser(SENDER, SENDER, PASSWORD));

	private final CapturingNotifier notifier = new CapturingNotifier();

	@Test
	void doesNothingWithoutSmtpSettings() {
		check(DeliveryTestSupport.properties(DaeployProperties.Notification.NONE.smtp(),
				DaeployProperties.Config.NONE));

		assertThat(this.notifier.messages).isEmpty();
		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void sendsATestMailFromTheSenderToItself() throws Exception {
		check(original("127.0.0.1", greenMail.getSmtps().getPort(), SENDER, PASSWORD));

		assertThat(this.notifier.messages).isEmpty();
		MimeMessage[] received = greenMail.getReceivedMessages();
		assertThat(received).hasSize(1);
		assertThat(received[0].getSubject()).isEqualTo("DAEPLOY-EMAIL CONNECTION");
		assertThat(received[0].getFrom()).extracting(Address::toString).containsExactly(SENDER);
		assertThat(received[0].getAllRecipients()).extracting(Address::toString).containsExactly(SENDER);
	}

	@Test
	void raisesOneNotificationPerMissingSetting() {
		// only the sender, as when DAEPLOY_CONFIG_EMAIL is set for HTTPS alone
		check(original(null, null, SENDER, null));

		assertThat(this.notifier.severities).containsOnly(Severity.WARNING);
		assertThat(this.notifier.messages).hasSize(2)
			.anySatisfy((message) -> assertThat(message).contains("password").contains("DAEPLOY_CONFIG_EMAIL_PASSWORD"))
			.anySatisfy((message) -> assertThat(message).contains("SMTP server")
				.contains("DAEPLOY_NOTIFICATION_SMTP_SERVER"));
		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void reportsAMissingSenderAndAnInvalidPort() {
		check(original("127.0.0.1", 70000, null, PASSWORD));

		assertThat(this.notifier.messages).hasSize(2)
			.anySatisfy((message) -> assertThat(message).contains("sender").contains("DAEPLOY_CONFIG_EMAIL "))
			.anySatisfy((message) -> assertThat(message).contains("70000").contains("DAEPLOY_NOTIFICATION_SMTP_PORT"));
	}

	@Test
	void warnsWhenTheServerCannotBeReached() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}

		check(original("127.0.0.1", closedPort, SENDER, PASSWORD));

		assertThat(this.notifier.severities).containsExactly(Severity.WARNING);
		assertThat(this.notifier.messages).singleElement()
			.satisfies((message) -> assertThat(message)
				.startsWith("Could not connect to the SMTP server. "
						+ "Cannot guarantee that email notifications get sent. Error Message: ")
				.contains("127.0.0.1"));
	}

	@Test
	void warnsWhenTheLoginFails() {
		check(original("127.0.0.1", greenMail.getSmtps().getPort(), SENDER, "wrong"));

		assertThat(this.notifier.messages).singleElement()
			.satisfies((message) -> assertThat(message).startsWith(EmailSelfCheck.CONNECTION_FAILED));
		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	private void check(DaeployProperties properties) {
		new EmailSelfCheck(new EmailDelivery(properties), properties, this.notifier.provider()).check().block(TIMEOUT);
	}

}
