package io.daeploy.manager.notification.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.config.DaeployProperties.Smtp.Security;

import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.util.StringUtils;

/**
 * The SMTP settings in effect, our {@code DAEPLOY_NOTIFICATION_SMTP_*} names first and
 * the original's {@code DAEPLOY_CONFIG_EMAIL*} and
 * {@code DAEPLOY_NOTIFICATION_SMTP_SERVER} after them.
 *
 * @param host the server's host, or {@code null}
 * @param port the server's port
 * @param portValid whether the port is one a server can listen on
 * @param username the login, or {@code null}
 * @param password the password, or {@code null}: then the manager does not log in
 * @param security how the connection is secured
 * @param from the sender, or {@code null}
 * @param trustAll whether any server certificate is trusted
 * @param anySet whether any SMTP setting is set at all
 */
record SmtpSettings(String host, int port, boolean portValid, String username, String password, Security security,
		String from, boolean trustAll, boolean anySet) {

	static final int TIMEOUT_MILLIS = 10_000;

	static SmtpSettings of(DaeployProperties properties) {
		DaeployProperties.Smtp smtp = properties.notification().smtp();
		DaeployProperties.Config config = properties.config();
		Security security = (smtp.security() != null) ? smtp.security() : Security.SSL;
		String host = first(smtp.host(), smtp.server());
		String from = first(smtp.from(), config.email(), smtp.username());
		String username = first(smtp.username(), config.email(), smtp.from());
		String password = first(smtp.password(), config.emailPassword());
		int port = (smtp.port() != null) ? smtp.port() : defaultPort(security);
		boolean anySet = host != null || from != null || password != null || smtp.port() != null;
		return new SmtpSettings(host, port, port > 0 && port < 65536, username, password, security, from,
				smtp.trustAll(), anySet);
	}

	private static int defaultPort(Security security) {
		return switch (security) {
			case SSL -> 465;
			case STARTTLS -> 587;
			case NONE -> 25;
		};
	}

	private static String first(String... values) {
		for (String value : values) {
			if (StringUtils.hasText(value)) {
				return value.trim();
			}
		}
		return null;
	}

	/**
	 * Whether e-mail can be sent at all: a host, a valid port and a sender.
	 * @return whether e-mail is on
	 */
	boolean configured() {
		return this.host != null && this.portValid && this.from != null;
	}

	/**
	 * What is missing or wrong, one message per setting, in the original's order.
	 * @return the problems; empty when none
	 */
	List<String> problems() {
		List<String> problems = new ArrayList<>();
		if (this.from == null) {
			problems.add("No sender e-mail address configured: set DAEPLOY_CONFIG_EMAIL "
					+ "(or DAEPLOY_NOTIFICATION_SMTP_FROM) when starting the manager.");
		}
		if (this.password == null && this.security != Security.NONE) {
			problems.add("No sender e-mail password configured: set DAEPLOY_CONFIG_EMAIL_PASSWORD "
					+ "(or DAEPLOY_NOTIFICATION_SMTP_PASSWORD) when starting the manager.");
		}
		if (this.host == null) {
			problems.add("No SMTP server configured: set DAEPLOY_NOTIFICATION_SMTP_SERVER "
					+ "(or DAEPLOY_NOTIFICATION_SMTP_HOST) when starting the manager.");
		}
		if (!this.portValid) {
			problems.add("Invalid SMTP server port " + this.port
					+ ": set DAEPLOY_NOTIFICATION_SMTP_PORT to a port between 1 and 65535.");
		}
		return problems;
	}

	/**
	 * A mail sender for these settings.
	 * @return a new sender; it opens a connection per message
	 */
	JavaMailSenderImpl newSender() {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost(this.host);
		sender.setPort(this.port);
		sender.setProtocol("smtp");
		sender.setDefaultEncoding("UTF-8");
		Properties properties = new Properties();
		properties.setProperty("mail.smtp.connectiontimeout", Integer.toString(TIMEOUT_MILLIS));
		properties.setProperty("mail.smtp.timeout", Integer.toString(TIMEOUT_MILLIS));
		properties.setProperty("mail.smtp.writetimeout", Integer.toString(TIMEOUT_MILLIS));
		switch (this.security) {
			case SSL -> properties.setProperty("mail.smtp.ssl.enable", "true");
			case STARTTLS -> {
				properties.setProperty("mail.smtp.starttls.enable", "true");
				properties.setProperty("mail.smtp.starttls.required", "true");
			}
			case NONE -> {
			}
		}
		if (this.security != Security.NONE) {
			// Angus Mail checks the server's name by default; say so either way
			properties.setProperty("mail.smtp.ssl.checkserveridentity", Boolean.toString(!this.trustAll));
			if (this.trustAll) {
				properties.setProperty("mail.smtp.ssl.trust", "*");
			}
		}
		if (this.password != null) {
			properties.setProperty("mail.smtp.auth", "true");
			sender.setUsername(this.username);
			sender.setPassword(this.password);
		}
		sender.setJavaMailProperties(properties);
		return sender;
	}

	@Override
	public String toString() {
		return "SmtpSettings[host=" + this.host + ", port=" + this.port + ", security=" + this.security + ", from="
				+ this.from + ", username=" + this.username + ", password=" + ((this.password != null) ? "***" : null)
				+ "]";
	}

}
