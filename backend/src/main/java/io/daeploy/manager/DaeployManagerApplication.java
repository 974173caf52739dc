package io.daeploy.manager;

import java.util.Properties;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Daeploy Manager: deploys services as containers and routes them behind a proxy.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DaeployManagerApplication {

	/**
	 * Netty asks the JDK whether Flight Recorder is available as it starts, which loads
	 * about 100 {@code jdk.jfr} classes into every manager for events nobody records. A
	 * {@code -Dio.netty.jfr.enabled=true} on the command line still wins.
	 */
	static final String NETTY_JFR = "io.netty.jfr.enabled";

	public static void main(String[] args) {
		leaveOutNettyJfr(System.getProperties());
		SpringApplication application = new SpringApplication(DaeployManagerApplication.class);
		StartupSteps.apply(application, System.getenv());
		application.run(args);
	}

	static void leaveOutNettyJfr(Properties system) {
		system.putIfAbsent(NETTY_JFR, "false");
	}

}
