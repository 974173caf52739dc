package io.daeploy.manager.proxy.traefik;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.dataformat.toml.TomlMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traefik's files as written to disk: real files in a temporary directory, parsed back as
 * TOML.
 */
class TraefikFilesTests {

	private static final TomlMapper TOML = new TomlMapper();

	private static final Backend V1 = new Backend("model", "1.0.0", true, "http://127.0.0.1:49153");

	private static final Backend V2 = new Backend("model", "2.0.0", false, "http://127.0.0.1:49154");

	@TempDir
	Path directory;

	@Test
	void writesTheStaticConfigAndOneFlatDirectoryOfParsableDynamicFiles() throws IOException {
		TraefikFiles files = files();
		files.writeStatic();
		files.rebuild(RouteTable.of(List.of(V1, V2)));

		Map<String, Object> staticConfig = toml(files.staticFile());
		assertThat(at(staticConfig, "providers", "file")).containsEntry("directory",
				this.directory.resolve("traefik/dynamic").toString());
		assertThat(at(staticConfig, "accessLog")).containsEntry("filePath",
				this.directory.resolve("traefik/access.log").toString());

		assertThat(names(files.dynamicDirectory())).containsExactlyInAnyOrder("manager.toml", "service_model.toml",
				"service_model_1.0.0.toml", "service_model_2.0.0.toml");
		try (Stream<Path> entries = Files.list(files.dynamicDirectory())) {
			assertThat(entries).allSatisfy((entry) -> assertThat(entry).isRegularFile());
		}
		assertThat(at(toml(files.dynamicDirectory().resolve("service_model.toml")), "http", "routers"))
			.containsKey("model");
		assertThat(at(toml(files.dynamicDirectory().resolve("service_model_2.0.0.toml")), "http", "routers",
				"model_2.0.0"))
			.containsEntry("service", "model_2.0.0");
		assertThat(at(toml(files.dynamicDirectory().resolve("manager.toml")), "http", "routers"))
			.containsKey("manager");
	}

	@Test
	void aVersionRemovedFromTheTableLosesItsFile() throws IOException {
		TraefikFiles files = files();
		files.rebuild(RouteTable.of(List.of(V1, V2)));
		files.write(RouteTable.of(List.of(V1)));
		assertThat(names(files.dynamicDirectory())).containsExactlyInAnyOrder("manager.toml", "service_model.toml",
				"service_model_1.0.0.toml");
		assertThat((List<?>) at(toml(files.dynamicDirectory().resolve("service_model.toml")), "http", "services",
				"model-mirror", "mirroring")
			.get("mirrors")).isEmpty();

		files.write(RouteTable.of(List.of()));
		assertThat(names(files.dynamicDirectory())).containsExactly("manager.toml");
	}

	@Test
	void unchangedFilesAreNotRewritten() throws IOException {
		TraefikFiles files = files();
		files.writeStatic();
		files.rebuild(RouteTable.of(List.of(V1)));
		Path version = files.dynamicDirectory().resolve("service_model_1.0.0.toml");
		Path main = files.dynamicDirectory().resolve("service_model.toml");
		FileTime past = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
		for (Path file : List.of(version, main, files.staticFile())) {
			Files.setLastModifiedTime(file, past);
		}

		files.writeStatic();
		files.write(RouteTable.of(List.of(V1, V2)));

		assertThat(Files.getLastModifiedTime(version)).isEqualTo(past);
		assertThat(Files.getLastModifiedTime(files.staticFile())).isEqualTo(past);
		assertThat(Files.getLastModifiedTime(main)).as("the main route gained a mirror").isNotEqualTo(past);
	}

	@Test
	void noTemporaryFilesAreLeftBehind() throws IOException {
		TraefikFiles files = files();
		files.writeStatic();
		for (int i = 0; i < 5; i++) {
			files.write(RouteTable.of(List.of(V1, V2)));
			files.write(RouteTable.of(List.of(V1)));
		}
		assertThat(names(files.dynamicDirectory())).allSatisfy((name) -> assertThat(name).endsWith(".toml"))
			.noneMatch((name) -> name.startsWith("."));
		assertThat(names(files.staticFile().getParent())).containsExactlyInAnyOrder("traefik.toml", "dynamic");
	}

	@Test
	void rebuildAtStartDeletesStaleFiles() throws IOException {
		TraefikFiles files = files();
		Files.createDirectories(files.dynamicDirectory());
		Files.writeString(files.dynamicDirectory().resolve("service_gone_0.1.0.toml"), "[http]\n");
		Files.writeString(files.dynamicDirectory().resolve(".service_gone.toml.1234abcd.tmp"), "[ht");

		files.rebuild(RouteTable.of(List.of(V1)));

		assertThat(names(files.dynamicDirectory())).containsExactlyInAnyOrder("manager.toml", "service_model.toml",
				"service_model_1.0.0.toml");
	}

	@Test
	void concurrentWritersLeaveTheLastTableOnDisk() throws Exception {
		TraefikFiles files = files();
		files.rebuild(RouteTable.of(List.of(V1)));
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Thread thread = new Thread(() -> {
				for (int n = 0; n < 20; n++) {
					files.write(RouteTable.of((n % 2 == 0) ? List.of(V1, V2) : List.of(V1)));
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		files.write(RouteTable.of(List.of(V1)));
		assertThat(names(files.dynamicDirectory())).containsExactlyInAnyOrder("manager.toml", "service_model.toml",
				"service_model_1.0.0.toml");
	}

	private TraefikFiles files() {
		return new TraefikFiles(this.directory.resolve("traefik"),
				new TraefikConfig(new TraefikConfig.Settings(5080, 5443, 5081, false, true, "http://127.0.0.1:8080",
						null, this.directory.resolve("traefik/acme.json").toString(), false)));
	}

	private static List<String> names(Path directory) throws IOException {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.map((entry) -> entry.getFileName().toString()).toList();
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> toml(Path file) throws IOException {
		return TOML.readValue(Files.readString(file), Map.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> at(Map<String, Object> map, String... keys) {
		Map<String, Object> current = map;
		for (String key : keys) {
			assertThat(current).as("key %s", key).containsKey(key);
			current = (Map<String, Object>) current.get(key);
		}
		return current;
	}

}
