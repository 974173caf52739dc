package io.daeploy.manager;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Daeploy Manager: deploys services as containers and routes them behind a proxy.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DaeployManagerApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(DaeployManagerApplication.class);
		StartupSteps.apply(application, System.getenv());
		application.run(args);
	}

}
