package io.daeploy.manager.proxy.traefik;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.proxy.TrafficStats;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.dataformat.toml.TomlMapper;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Traefik connector end to end on real files; the Traefik binary, which is not
 * installable here, is stood in for by a shell script.
 */
class TraefikProxyTests {

	private static final TomlMapper TOML = new TomlMapper();

	private static final Backend V1 = new Backend("model", "1.0.0", true, "http://127.0.0.1:49153");

	private static final Backend V2 = new Backend("model", "2.0.0", false, "http://127.0.0.1:49154");

	@TempDir
	Path directory;

	@Test
	void withoutABinaryItWritesTheFilesAndReadsTheAccessLog() throws Exception {
		TrafficStats stats = new TrafficStats();
		TraefikProxy proxy = new TraefikProxy(properties(false), null, stats, (crash) -> {
		});
		assertThat(proxy.kind()).isEqualTo("traefik");
		assertThat(proxy.httpPort()).isEqualTo(5080);
		proxy.route(RouteTable.of(List.of(V1)));
		Path traefik = this.directory.resolve("traefik");
		assertThat(traefik).doesNotExist();

		try {
			proxy.start(new InetSocketAddress("127.0.0.1", 8123));
			Map<String, Object> staticConfig = TOML.readValue(Files.readString(traefik.resolve("traefik.toml")),
					Map.class);
			assertThat(staticConfig).doesNotContainKey("certificatesResolvers");
			assertThat(names(traefik.resolve("dynamic"))).containsExactlyInAnyOrder("manager.toml",
					"service_model.toml", "service_model_1.0.0.toml");
			Map<String, Object> manager = TOML.readValue(Files.readString(traefik.resolve("dynamic/manager.toml")),
					Map.class);
			assertThat(manager.toString()).contains("http://127.0.0.1:8123/auth/verify");

			proxy.route(RouteTable.of(List.of(V1, V2)));
			assertThat(names(traefik.resolve("dynamic"))).contains("service_model_2.0.0.toml");

			Files.writeString(traefik.resolve("access.log"),
					"{\"RouterName\":\"model_2.0.0@file\",\"DownstreamStatus\":200,\"Duration\":1500000}\n",
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			awaitTrue(() -> stats.snapshot("model_2.0.0").requests() == 1);
		}
		finally {
			proxy.stop();
		}
	}

	@Test
	void withABinaryItRunsItOnTheStaticConfigAndStopsIt() throws Exception {
		Path arguments = this.directory.resolve("arguments");
		Path script = this.directory.resolve("traefik-stand-in");
		Files.writeString(script, "#!/bin/sh\necho \"$@\" > '" + arguments + "'\nexec sleep 600\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		TraefikProxy proxy = new TraefikProxy(properties(true), TraefikProxy.findBinary(script.toString()),
				new TrafficStats(), (crash) -> {
				});
		try {
			proxy.start(new InetSocketAddress("127.0.0.1", 8123));
			awaitTrue(() -> Files.exists(arguments));
			Path staticFile = this.directory.resolve("traefik/traefik.toml").toAbsolutePath();
			awaitTrue(() -> read(arguments).equals("--configFile=" + staticFile + "\n"));
			Map<String, Object> staticConfig = TOML.readValue(Files.readString(staticFile), Map.class);
			assertThat(staticConfig).containsKey("certificatesResolvers");
			assertThat(staticConfig.toString()).contains(this.directory.resolve("traefik/acme.json").toString());
		}
		finally {
			proxy.stop();
		}
	}

	@Test
	void findBinaryPrefersAnExecutableConfiguredPath() throws IOException {
		Path script = this.directory.resolve("my-traefik");
		Files.writeString(script, "#!/bin/sh\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		assertThat(TraefikProxy.findBinary(script.toString())).isEqualTo(script);

		Path notExecutable = this.directory.resolve("plain");
		Files.writeString(notExecutable, "");
		for (String configured : new String[] { notExecutable.toString(), null, "" }) {
			Path found = TraefikProxy.findBinary(configured);
			assertThat(found).as("falls back to PATH")
				.satisfiesAnyOf((path) -> assertThat(path).isNull(),
						(path) -> assertThat(path).isExecutable().hasFileName("traefik"));
		}
	}

	private DaeployProperties properties(boolean https) {
		return new DaeployProperties(this.directory, "localhost", null, false, null, "test",
				new DaeployProperties.Auth(true, 5, Duration.ofSeconds(2)),
				new DaeployProperties.Proxy(5080, 5443, 5081, https, "traefik", "0.0.0.0", DataSize.ofMegabytes(1),
						Duration.ofSeconds(10)),
				new DaeployProperties.Docker(null, "daeploy-network", 256), null, DaeployProperties.Notification.NONE,
				DaeployProperties.Config.NONE, List.of(), 10000, List.of(),
				new DaeployProperties.Backup(Duration.ZERO, 7), DaeployProperties.S2i.DEFAULT, 1024, 256,
				Duration.ofMinutes(30), 2, 3, DaeployProperties.Acme.DEFAULT);
	}

	private static List<String> names(Path directory) throws IOException {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.map((entry) -> entry.getFileName().toString()).toList();
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static void awaitTrue(BooleanSupplier condition) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(4))
			.pollInterval(Duration.ofMillis(20))
			.until(condition::getAsBoolean);
	}

}
