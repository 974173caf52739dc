package io.daeploy.manager;

import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the manager leaves out of its start so that fewer classes are loaded into every
 * process (issue 13: idle memory): Netty's Flight Recorder probe, the Log4j API bridge,
 * Spring Data's mapping layer and the auto-configurations of things the manager does not
 * use.
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

	@Test
	void springsLogLinesAtALevelThatIsOffAreNeverFormatted() {
		// Spring logs through commons-logging's API with lazy messages
		// (LogMessage.format);
		// the adapter under that API must ask the level before it turns one into a
		// string,
		// or every request formats lines nobody reads
		String name = "io.daeploy.test.quiet-" + UUID.randomUUID();
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(Level.INFO);
		AtomicInteger formatted = new AtomicInteger();
		Object message = new Object() {
			@Override
			public String toString() {
				formatted.incrementAndGet();
				return "formatted";
			}
		};
		Log log = LogFactory.getLog(name);
		log.trace(message);
		log.debug(message);
		log.debug(message, new IllegalStateException("not logged"));
		assertThat(formatted).hasValue(0);
		log.info(message);
		assertThat(formatted).hasValue(1);
	}

	@Test
	void theStoreSpeaksR2dbcWithoutSpringDataMapping() {
		// DatabaseClient is Spring Framework's; Spring Data's entity mapping, which
		// nothing
		// uses, loaded about 380 classes at every start
		ClassLoader loader = getClass().getClassLoader();
		assertThat(ClassUtils.isPresent("org.springframework.r2dbc.core.DatabaseClient", loader)).isTrue();
		assertThat(ClassUtils.isPresent("org.springframework.data.r2dbc.core.R2dbcEntityTemplate", loader)).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.data.mapping.context.MappingContext", loader)).isFalse();
	}

	@Test
	void aManagerStartsWithoutTheAutoConfigurationsItDoesNotUse(@TempDir Path dataDir) {
		try (ConfigurableApplicationContext manager = TestManagers.start("--daeploy.data-dir=" + dataDir,
				"--daeploy.instance=test-" + UUID.randomUUID().toString().substring(0, 8),
				"--daeploy.admin-password=footprint-password")) {
			assertThat(manager.getBeanProvider(DatabaseClient.class).getIfAvailable()).isNotNull();
			assertThat(manager.getBeanNamesForType(SslBundles.class)).isEmpty();
			assertThat(manager.getBeanNamesForType(TaskScheduler.class)).isEmpty();
			assertThat(manager.getBeanNamesForType(InfoContributor.class)).isEmpty();
			assertThat(manager.getBeanNamesForType(ClassUtils.resolveClassName(
					"org.springframework.dao.annotation.PersistenceExceptionTranslationPostProcessor",
					getClass().getClassLoader())))
				.isEmpty();
		}
	}

}
