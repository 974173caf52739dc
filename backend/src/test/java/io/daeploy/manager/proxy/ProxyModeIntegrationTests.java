package io.daeploy.manager.proxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.daeploy.manager.DaeployManagerApplication;
import io.daeploy.manager.TestManagers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which proxy a manager runs, chosen by {@code DAEPLOY_PROXY_MODE} (or
 * {@code DAEPLOY_PROXY}) and by whether a Traefik binary is found. Traefik cannot be
 * installed here, so a shell script stands in for its binary where one must run.
 */
class ProxyModeIntegrationTests {

	@TempDir
	Path dir;

	private ConfigurableApplicationContext manager;

	@AfterEach
	void close() {
		if (this.manager != null) {
			this.manager.close();
		}
	}

	@Test
	void traefikModeWithoutABinaryWritesTraefiksFilesOnly() {
		this.manager = TestManagers.start("--daeploy.data-dir=" + this.dir, "--daeploy.auth.enabled=false",
				"--daeploy.proxy.mode=traefik", "--daeploy.traefik-bin=" + this.dir.resolve("missing"));

		assertThat(kind()).isEqualTo("TRAEFIK");
		assertThat(this.dir.resolve("traefik/traefik.toml")).exists();
		assertThat(this.dir.resolve("traefik/dynamic/manager.toml")).content()
			.contains("http://127.0.0.1:" + TestManagers.port(this.manager));
	}

	@Test
	void aFoundTraefikBinaryRunsAsAChildAndStopsWithTheManager() throws Exception {
		Path pidFile = this.dir.resolve("traefik.pid");
		Path binary = this.dir.resolve("traefik");
		Files.writeString(binary, "#!/bin/sh\necho $$ \"$@\" > " + pidFile + "\nexec sleep 600\n");
		Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));

		this.manager = TestManagers.start("--daeploy.data-dir=" + this.dir.resolve("data"),
				"--daeploy.auth.enabled=false", "--daeploy.traefik-bin=" + binary);

		assertThat(kind()).isEqualTo("TRAEFIK");
		String started = awaitFile(pidFile);
		assertThat(started).contains("--configFile=" + this.dir.resolve("data/traefik/traefik.toml"));
		long pid = Long.parseLong(started.split(" ")[0]);
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);

		this.manager.close();
		this.manager = null;
		Optional<ProcessHandle> after = ProcessHandle.of(pid);
		assertThat(after.isEmpty() || !after.get().isAlive()).as("Traefik stand-in stopped with the manager").isTrue();
	}

	@Test
	void theDesignNotesVariableDaeployProxyChoosesTheEmbeddedProxy() throws Exception {
		Path binary = this.dir.resolve("traefik");
		Files.writeString(binary, "#!/bin/sh\nexec sleep 600\n");
		Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
		StandardEnvironment environment = new StandardEnvironment();
		// as the variable arrives from the process environment, relaxed binding included
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("test-environment",
					Map.of("DAEPLOY_PROXY", "embedded", "DAEPLOY_TRAEFIK_BIN", binary.toString())));

		this.manager = new SpringApplicationBuilder(DaeployManagerApplication.class).environment(environment)
			.run("--server.port=0", "--daeploy.proxy.http-port=0", "--daeploy.proxy.dashboard-port=0",
					"--daeploy.proxy.address=127.0.0.1", "--daeploy.data-dir=" + this.dir.resolve("data"),
					"--daeploy.auth.enabled=false");

		assertThat(kind()).isEqualTo("EMBEDDED");
	}

	@Test
	void anUnknownModeStopsTheStartWithAClearMessage() {
		assertThatThrownBy(() -> TestManagers.start("--daeploy.data-dir=" + this.dir, "--daeploy.proxy.mode=nginx"))
			.hasStackTraceContaining("Unknown proxy mode 'nginx'");
	}

	private String kind() {
		return TestManagers.graphQl(this.manager, null)
			.document("{ manager { proxy { kind } } }")
			.execute()
			.path("manager.proxy.kind")
			.entity(String.class)
			.get();
	}

	private static String awaitFile(Path file) {
		return Awaitility.await(file + " to be written")
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptions()
			.until(() -> Files.readString(file), (text) -> text.endsWith("\n"))
			.strip();
	}

}
