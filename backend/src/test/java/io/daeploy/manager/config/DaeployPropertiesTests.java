package io.daeploy.manager.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original's {@code DAEPLOY_*} environment variables bind to {@code daeploy.*}.
 */
class DaeployPropertiesTests {

	@Test
	void bindsTheOriginalEnvironmentVariables() {
		DaeployProperties properties = bind(Map.of("DAEPLOY_HOST_NAME", "deploy.example.org", "DAEPLOY_PROXY_HTTP_PORT",
				"80", "DAEPLOY_PROXY_HTTPS_PORT", "443", "DAEPLOY_AUTH_ENABLED", "false", "DAEPLOY_DATA_DIR",
				"/srv/daeploy", "DAEPLOY_MANAGER_VERSION", "9.9.9", "DAEPLOY_MANAGER_IN_CONTAINER", "true"));
		assertThat(properties.hostName()).isEqualTo("deploy.example.org");
		assertThat(properties.proxy().httpPort()).isEqualTo(80);
		assertThat(properties.proxy().httpsPort()).isEqualTo(443);
		assertThat(properties.auth().enabled()).isFalse();
		assertThat(properties.dataDir()).isEqualTo(Path.of("/srv/daeploy"));
		assertThat(properties.managerVersion()).isEqualTo("9.9.9");
		assertThat(properties.managerInContainer()).isTrue();
		assertThat(properties.externalUrl()).isEqualTo("http://deploy.example.org");
	}

	@Test
	void defaults() {
		DaeployProperties properties = bind(Map.of());
		assertThat(properties.hostName()).isEqualTo("localhost");
		assertThat(properties.proxy().httpPort()).isEqualTo(5080);
		assertThat(properties.auth().enabled()).isTrue();
		assertThat(properties.docker().network("default")).isEqualTo("daeploy-network");
		assertThat(properties.docker().network("blue")).isEqualTo("daeploy-blue-network");
		assertThat(properties.instance()).isEqualTo("default");
		assertThat(properties.externalUrl()).isEqualTo("http://localhost:5080");
	}

	@Test
	void bindsNotificationSettingsAndTheOriginalSmtpVariables() {
		DaeployProperties properties = bind(
				Map.of("DAEPLOY_CONFIG_EMAIL", "alarms@example.org", "DAEPLOY_CONFIG_EMAIL_PASSWORD", "secret",
						"DAEPLOY_NOTIFICATION_SMTP_SERVER", "smtp.example.org", "DAEPLOY_NOTIFICATION_SMTP_PORT",
						"2465", "DAEPLOY_NOTIFICATION_SMTP_SECURITY", "starttls", "DAEPLOY_NOTIFICATION_SMTP_TRUST_ALL",
						"true", "DAEPLOY_NOTIFICATION_WEBHOOK_URL", "https://hooks.example.org/daeploy",
						"DAEPLOY_NOTIFICATION_WEBHOOK_TIMEOUT", "2s", "DAEPLOY_NOTIFICATION_WEBHOOK_RETRIES", "1"));
		assertThat(properties.config().email()).isEqualTo("alarms@example.org");
		assertThat(properties.config().emailPassword()).isEqualTo("secret");
		DaeployProperties.Smtp smtp = properties.notification().smtp();
		assertThat(smtp.server()).isEqualTo("smtp.example.org");
		assertThat(smtp.host()).isNull();
		assertThat(smtp.port()).isEqualTo(2465);
		assertThat(smtp.security()).isEqualTo(DaeployProperties.Smtp.Security.STARTTLS);
		assertThat(smtp.trustAll()).isTrue();
		DaeployProperties.Webhook webhook = properties.notification().webhook();
		assertThat(webhook.url()).isEqualTo("https://hooks.example.org/daeploy");
		assertThat(webhook.timeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(webhook.retries()).isEqualTo(1);
	}

	@Test
	void bindsOurSmtpVariables() {
		DaeployProperties.Smtp smtp = bind(Map.of("DAEPLOY_NOTIFICATION_SMTP_HOST", "mail.example.org",
				"DAEPLOY_NOTIFICATION_SMTP_USERNAME", "daeploy", "DAEPLOY_NOTIFICATION_SMTP_PASSWORD", "pw",
				"DAEPLOY_NOTIFICATION_SMTP_FROM", "daeploy@example.org"))
			.notification()
			.smtp();
		assertThat(smtp.host()).isEqualTo("mail.example.org");
		assertThat(smtp.username()).isEqualTo("daeploy");
		assertThat(smtp.password()).isEqualTo("pw");
		assertThat(smtp.from()).isEqualTo("daeploy@example.org");
	}

	@Test
	void notificationDefaults() {
		DaeployProperties properties = bind(Map.of());
		assertThat(properties.notification()).isEqualTo(DaeployProperties.Notification.NONE);
		assertThat(properties.config()).isEqualTo(DaeployProperties.Config.NONE);
		assertThat(properties.notification().smtp().security()).isEqualTo(DaeployProperties.Smtp.Security.SSL);
		assertThat(properties.notification().webhook().timeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.notification().webhook().retries()).isEqualTo(3);
	}

	private static DaeployProperties bind(Map<String, Object> env) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					env));
		return new Binder(ConfigurationPropertySources.get(environment)).bindOrCreate("daeploy",
				DaeployProperties.class);
	}

}
