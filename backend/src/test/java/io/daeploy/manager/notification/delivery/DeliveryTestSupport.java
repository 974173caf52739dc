package io.daeploy.manager.notification.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.daeploy.manager.notification.ManagerNotifier;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.config.DaeployProperties.Smtp.Security;
import io.daeploy.manager.notification.Notification;
import io.daeploy.manager.notification.Notification.Severity;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * Settings, notifications and a capturing {@link ManagerNotifier} for delivery tests.
 */
final class DeliveryTestSupport {

	static final String HOST_NAME = "deploy.example.org";

	static final String SENDER = "alarms@example.org";

	static final String PASSWORD = "secret";

	private DeliveryTestSupport() {
	}

	static DaeployProperties properties(DaeployProperties.Smtp smtp, DaeployProperties.Config config) {
		return properties(smtp, config, DaeployProperties.Notification.NONE.webhook());
	}

	static DaeployProperties properties(DaeployProperties.Smtp smtp, DaeployProperties.Config config,
			DaeployProperties.Webhook webhook) {
		return new DaeployProperties(Path.of("target/delivery-tests"), HOST_NAME, null, false, null, "test",
				new DaeployProperties.Auth(true, 5, Duration.ofSeconds(2)),
				new DaeployProperties.Proxy(5080, 5443, 5081, false, "embedded", "127.0.0.1", null,
						Duration.ofSeconds(10)),
				new DaeployProperties.Docker(null, "daeploy-network", 256), null,
				new DaeployProperties.Notification(smtp, webhook), config, java.util.List.of(), 10000,
				java.util.List.of(), new DaeployProperties.Backup(java.time.Duration.ZERO, 7),
				DaeployProperties.S2i.DEFAULT, 1024, 256, Duration.ofMinutes(30), 2, 3, DaeployProperties.Acme.DEFAULT);
	}

	/**
	 * SMTP in the original's terms: server, port, sender and password.
	 */
	static DaeployProperties original(String server, Integer port, String sender, String password) {
		return properties(new DaeployProperties.Smtp(null, server, port, null, null, Security.SSL, null, true),
				new DaeployProperties.Config(sender, password));
	}

	static DaeployProperties.Smtp smtp(String host, int port, Security security) {
		return new DaeployProperties.Smtp(host, null, port, null, null, security, SENDER, true);
	}

	static Notification notification(String message, List<String> emails) {
		Instant now = Instant.parse("2026-11-02T10:15:30Z");
		return new Notification(42, "shop", "1.2.0", message, Severity.WARNING, true, emails, 0, 3,
				now.minusSeconds(60), now, null);
	}

	/**
	 * Captures the manager notifications raised.
	 */
	static final class CapturingNotifier implements ManagerNotifier {

		final List<String> messages = new CopyOnWriteArrayList<>();

		final List<Severity> severities = new CopyOnWriteArrayList<>();

		@Override
		public void raise(Severity severity, String message) {
			this.severities.add(severity);
			this.messages.add(message);
		}

		ObjectProvider<ManagerNotifier> provider() {
			StaticListableBeanFactory beans = new StaticListableBeanFactory();
			beans.addBean("managerNotifier", this);
			return beans.getBeanProvider(ManagerNotifier.class);
		}

	}

}
