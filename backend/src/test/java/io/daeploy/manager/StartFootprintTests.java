package io.daeploy.manager;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the manager leaves out of its start so that fewer classes are loaded into every
 * process (issue 13: idle memory): Netty's Flight Recorder probe and the Log4j API
 * bridge.
 */
class StartFootprintTests {

	@Test
	void nettyDoesNotProbeFlightRecorderUnlessAsked() {
		Properties unset = new Properties();
		DaeployManagerApplication.leaveOutNettyJfr(unset);
		assertThat(unset.getProperty(DaeployManagerApplication.NETTY_JFR)).isEqualTo("false");

		Properties asked = new Properties();
		asked.setProperty(DaeployManagerApplication.NETTY_JFR, "true");
		DaeployManagerApplication.leaveOutNettyJfr(asked);
		assertThat(asked.getProperty(DaeployManagerApplication.NETTY_JFR)).isEqualTo("true");
	}

	@Test
	void defaultsAreReadWithoutYaml() {
		// a YAML file among the defaults would load SnakeYAML and Spring's YAML loader at
		// every start; the properties file holds them, and the integration tests use them
		ClassLoader loader = getClass().getClassLoader();
		assertThat(loader.getResource("application.properties")).isNotNull();
		assertThat(loader.getResource("application.yaml")).isNull();
		assertThat(loader.getResource("application.yml")).isNull();
	}

	@Test
	void commonsLoggingReachesSlf4jWithoutLog4j() {
		ClassLoader loader = getClass().getClassLoader();
		assertThat(ClassUtils.isPresent("org.apache.logging.log4j.LogManager", loader)).isFalse();
		assertThat(ClassUtils.isPresent("org.apache.logging.slf4j.SLF4JProvider", loader)).isFalse();
		assertThat(ClassUtils.isPresent("org.slf4j.LoggerFactory", loader)).isTrue();
	}

}
