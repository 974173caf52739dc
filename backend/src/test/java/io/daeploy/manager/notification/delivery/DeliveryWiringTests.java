package io.daeploy.manager.notification.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.notification.NotificationDelivery;
import io.daeploy.manager.notification.delivery.DeliveryTestSupport.CapturingNotifier;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The deliveries in a small Spring context: both are {@link NotificationDelivery} beans,
 * and a bad webhook URL and incomplete SMTP settings are reported once the application is
 * ready, without failing the start.
 */
class DeliveryWiringTests {

	@Test
	void badSettingsAreReportedAndTheStartSucceeds() {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Wiring.class).web(WebApplicationType.NONE)
			.properties(Map.of("daeploy.notification.webhook.url", "ftp://127.0.0.1/hook", "daeploy.config.email",
					DeliveryTestSupport.SENDER));
		try (ConfigurableApplicationContext context = application.run()) {
			assertThat(context.getBeansOfType(NotificationDelivery.class).values())
				.hasExactlyElementsOfTypes(EmailDelivery.class, WebhookDelivery.class);
			CapturingNotifier notifier = context.getBean(CapturingNotifier.class);
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(notifier.messages).hasSize(3));
			assertThat(notifier.messages).anySatisfy((message) -> assertThat(message).contains("ftp://127.0.0.1/hook"))
				.anySatisfy((message) -> assertThat(message).contains("DAEPLOY_CONFIG_EMAIL_PASSWORD"))
				.anySatisfy((message) -> assertThat(message).contains("DAEPLOY_NOTIFICATION_SMTP_SERVER"));
		}
	}

	@Test
	void nothingIsReportedWithoutSettings() {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Wiring.class).web(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run()) {
			assertThat(context.getBean(CapturingNotifier.class).messages).isEqualTo(List.of());
			assertThat(context.getBean(WebhookDelivery.class).enabled()).isFalse();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(DaeployProperties.class)
	@Import({ EmailDelivery.class, EmailSelfCheck.class, WebhookDelivery.class })
	static class Wiring {

		@Bean
		CapturingNotifier managerNotifier() {
			return new CapturingNotifier();
		}

	}

}
