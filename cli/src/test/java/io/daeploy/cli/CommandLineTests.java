package io.daeploy.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line's parsing and output, without a manager. */
class CommandLineTests {

	@TempDir
	Path directory;

	@Test
	void withoutAnActiveHostACommandFailsInWordsAndAsJson() {
		Cli cli = new Cli(this.directory);

		Cli.Result text = cli.run("ls");
		assertThat(text.code()).isEqualTo(1);
		assertThat(text.err()).isEqualTo("Error: No active host: log in first with `daeploy login -H <host>`\n");

		Cli.Result before = cli.run("--json", "ls");
		Cli.Result after = cli.run("ls", "--json");
		assertThat(before.err()).isEqualTo(after.err());
		JsonNode error = ManagerClient.JSON.readTree(after.err());
		assertThat(error.path("error").path("message").asString()).startsWith("No active host");
	}

	@Test
	void anUnreachableHostIsReportedWithoutAStackTrace() {
		Cli.Result result = new Cli(this.directory).env("DAEPLOY_HOST", "http://127.0.0.1:1").run("ls");

		assertThat(result.code()).isEqualTo(1);
		assertThat(result.err()).isEqualTo("Error: Cannot reach http://127.0.0.1:1: connection refused\n");
	}

	@Test
	void usageErrorsExitTwoAndHelpZero() {
		Cli cli = new Cli(this.directory);

		Cli.Result unknown = cli.run("deploy", "--no-such-flag", "a", "1.0.0", "x");
		assertThat(unknown.code()).isEqualTo(2);
		assertThat(unknown.err()).contains("Unknown option: '--no-such-flag'");
		Cli.Result help = cli.run("deploy", "--help");
		assertThat(help.code()).isZero();
		assertThat(help.out()).contains("Usage: daeploy deploy", "-I, --image-local", "--pickle=FILE");
		assertThat(cli.run("user").code()).isEqualTo(2);
		assertThat(cli.run("--version").out()).startsWith("daeploy ");
	}

	@Test
	void hostsMustBeUrlsAndLoseTheirTrailingSlash() {
		assertThat(ManagerClient.host("http://localhost:5080/")).isEqualTo("http://localhost:5080");
		assertThat(ManagerClient.host(" https://daeploy.example.com// ")).isEqualTo("https://daeploy.example.com");
		assertThatThrownBy(() -> ManagerClient.host("localhost:5080")).hasMessageContaining("http:// or https://");
	}

	@Test
	void aGraphQlErrorBecomesItsMessageFieldAndCode() {
		JsonNode errors = ManagerClient.JSON.readTree(
				"""
						[{"message": "Not a SemVer version", "extensions": {"code": "INVALID_VERSION", "field": "input.version"}},
						 {"message": "second"}]""");

		CliException failure = ManagerClient.failure(errors);

		assertThat(failure.getMessage()).isEqualTo("Not a SemVer version (input.version)");
		assertThat(failure.code()).isEqualTo("INVALID_VERSION");
	}

	@Test
	void exactlyOneSourceKind() throws IOException {
		Path folder = Files.createDirectory(this.directory.resolve("app"));
		Path archive = Files.writeString(this.directory.resolve("app.tar.gz"), "");
		assertThat(deploy("a", "1.0.0", folder.toString()).kind()).isEqualTo(DeployCommand.Kind.FOLDER);
		assertThat(deploy("a", "1.0.0", archive.toString()).kind()).isEqualTo(DeployCommand.Kind.ARCHIVE);
		assertThat(deploy("a", "1.0.0", "-i", "busybox:1").kind()).isEqualTo(DeployCommand.Kind.IMAGE);
		assertThat(deploy("a", "1.0.0", "-I", "busybox:1").kind()).isEqualTo(DeployCommand.Kind.LOCAL_IMAGE);
		assertThat(deploy("a", "1.0.0", "-g", "https://h/r.git", "--ref", "v1").kind())
			.isEqualTo(DeployCommand.Kind.GIT);
		assertThat(deploy("a", "1.0.0", "--pickle", "m.pkl", "-r", "scikit-learn").kind())
			.isEqualTo(DeployCommand.Kind.PICKLE);

		assertThatThrownBy(() -> deploy("a", "1.0.0", "-i", "-g", "x").kind())
			.hasMessageContaining("Only one source flag");
		assertThatThrownBy(() -> deploy("a", "1.0.0", "x", "--ref", "main").kind()).hasMessageContaining("-g");
		assertThatThrownBy(() -> deploy("a", "1.0.0").kind()).hasMessageContaining("Missing SOURCE");
		assertThatThrownBy(() -> deploy("a", "1.0.0", "--pickle", "m.pkl", "x").kind())
			.hasMessageContaining("no SOURCE");
		assertThatThrownBy(() -> deploy("a", "1.0.0", this.directory.resolve("nowhere").toString()).kind())
			.hasMessageContaining("does not exist");
		assertThatThrownBy(() -> deploy("a", "1.0.0", "-i", "x", "--build-image", "b").kind())
			.hasMessageContaining("--build-image");
	}

	@Test
	void envKeyAloneCopiesTheLocalValue() {
		Map<String, String> local = Map.of("TOKEN", "s3cret");

		List<Map<String, Object>> env = DeployCommand.environment(List.of("A=1", "B=x=y", "TOKEN", "EMPTY="), false,
				local::get);

		assertThat(env).containsExactly(Map.of("name", "A", "value", "1"), Map.of("name", "B", "value", "x=y"),
				Map.of("name", "TOKEN", "value", "s3cret"), Map.of("name", "EMPTY", "value", ""));
		assertThat(DeployCommand.environment(List.of("K=v"), true, local::get))
			.containsExactly(Map.of("name", "K", "value", "v", "secret", true));
		assertThatThrownBy(() -> DeployCommand.environment(List.of("MISSING"), false, local::get))
			.hasMessageContaining("MISSING is not set");
		assertThatThrownBy(() -> DeployCommand.environment(List.of("=v"), false, local::get))
			.hasMessageContaining("needs a name");
	}

	@Test
	void logsTailAndSince() {
		assertThat(LogsCommand.tail("all")).isEqualTo(LogsCommand.ALL);
		assertThat(LogsCommand.tail("20")).isEqualTo(20);
		assertThat(LogsCommand.tail("99999")).isEqualTo(LogsCommand.ALL);
		assertThatThrownBy(() -> LogsCommand.tail("-1")).hasMessageContaining("-n takes");
		assertThatThrownBy(() -> LogsCommand.tail("many")).hasMessageContaining("-n takes");

		Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneId.of("Europe/Stockholm"));
		assertThat(LogsCommand.since("10m", clock)).isEqualTo("2026-12-01T11:50Z");
		assertThat(LogsCommand.since("2d", clock)).isEqualTo("2026-11-29T12:00Z");
		assertThat(LogsCommand.since("2026-12-01T10:00:00Z", clock)).isEqualTo("2026-12-01T10:00Z");
		assertThat(LogsCommand.since("2026-12-01 10:00", clock)).isEqualTo("2026-12-01T10:00+01:00");
		assertThat(LogsCommand.since("2026-12-01", clock)).isEqualTo("2026-12-01T00:00+01:00");
		assertThatThrownBy(() -> LogsCommand.since("yesterday", clock)).hasMessageContaining("--since takes");
	}

	@Test
	void tablesAlignTheirColumns() {
		String table = new Table("MAIN", "NAME", "VERSION").row("*", "hello", "1.0.0")
			.row("", "a_longer_name", "1.10.0")
			.render();

		assertThat(table).isEqualTo("""
				MAIN  NAME           VERSION
				*     hello          1.0.0
				      a_longer_name  1.10.0
				""");
	}

	@Test
	void lsShowsTheOriginalsColumnsAndRunningSince() {
		List<JsonNode> services = List.of(service("hello", "1.0.0", true, "RUNNING"),
				service("hello", "1.1.0", false, "EXITED"), service("other", "2.0.0", true, "MISSING"));
		Map<Integer, JsonNode> inspections = Map.of(0,
				ManagerClient.JSON.readTree("{\"running\": true, \"startedAt\": \"2026-12-01T10:00:00Z\"}"), 1,
				ManagerClient.JSON.readTree("{\"running\": false, \"finishedAt\": \"2026-12-01T11:00:00Z\"}"));

		List<String> lines = LsCommand.table(services, inspections).render().lines().toList();

		assertThat(lines.get(0)).matches("MAIN\\s+NAME\\s+VERSION\\s+STATUS\\s+RUNNING\\s+URL");
		assertThat(lines.get(1)).matches("\\*\\s+hello\\s+1\\.0\\.0\\s+running\\s+Running \\(since [-0-9: ]+\\)\\s+"
				+ "http://h/services/hello_1\\.0\\.0/");
		assertThat(lines.get(2)).matches("\\s+hello\\s+1\\.1\\.0\\s+exited\\s+Stopped \\(since [-0-9: ]+\\)\\s+\\S+");
		assertThat(lines.get(3)).matches("\\*\\s+other\\s+2\\.0\\.0\\s+missing\\s+-\\s+\\S+");
	}

	@Test
	void killTakesEachServicesShadowsBeforeItsMain() {
		List<JsonNode> ordered = KillCommand
			.order(List.of(service("b", "1.0.0", true, "RUNNING"), service("a", "1.0.0", true, "RUNNING"),
					service("b", "2.0.0", false, "RUNNING"), service("a", "0.9.0", false, "RUNNING")));

		assertThat(ordered)
			.extracting((service) -> service.path("name").asString() + " " + service.path("version").asString())
			.containsExactly("a 0.9.0", "a 1.0.0", "b 2.0.0", "b 1.0.0");
	}

	@Test
	void killAsksFirstAndNeedsANameOrAll() {
		Cli cli = new Cli(this.directory).env("DAEPLOY_HOST", "http://127.0.0.1:1");

		Cli.Result nothing = cli.run("kill");
		assertThat(nothing.code()).isEqualTo(1);
		assertThat(nothing.err()).contains("Name a service to kill, or give --all");
		assertThat(cli.run("kill", "a", "--all").err()).contains("not both");
		assertThat(cli.run("kill", "a", "--new-main", "2.0.0").err()).contains("--new-main goes with one NAME VERSION");
	}

	@Test
	void theConfigurationIsOwnerOnlyAndKeepsTheOriginalsFormat() throws IOException {
		Path config = this.directory.resolve("daeploy");
		Config written = Config.load(config);
		written.activate("http://a:5080", "token-a");
		written.activate("http://b:5080", "token-b");
		written.save();

		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rwx------");
		Path file = config.resolve(Config.FILE);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		JsonNode json = ManagerClient.JSON.readTree(Files.readString(file));
		assertThat(json.path("active_host").asString()).isEqualTo("http://b:5080");
		assertThat(json.path("access_tokens").path("http://a:5080").asString()).isEqualTo("token-a");

		Config read = Config.load(config);
		assertThat(read.activeHost()).isEqualTo("http://b:5080");
		assertThat(read.hosts()).containsExactly("http://a:5080", "http://b:5080");
		assertThat(read.forget("http://b:5080")).isTrue();
		assertThat(read.activeHost()).isNull();
		assertThat(read.token("http://a:5080")).isEqualTo("token-a");

		Files.writeString(file, "{not json");
		assertThatThrownBy(() -> Config.load(config)).hasMessageContaining("is not valid JSON");
	}

	@Test
	void theConfigurationDirectoryFollowsTheEnvironment() {
		assertThat(terminal(Map.of("DAEPLOY_CONFIG_DIR", "/tmp/x", "XDG_CONFIG_HOME", "/tmp/y")).configDirectory())
			.isEqualTo(Path.of("/tmp/x"));
		assertThat(terminal(Map.of("XDG_CONFIG_HOME", "/tmp/y")).configDirectory())
			.isEqualTo(Path.of("/tmp/y/daeploy"));
		assertThat(terminal(Map.of()).configDirectory())
			.isEqualTo(Path.of(System.getProperty("user.home"), ".config", "daeploy"));
	}

	@Test
	void loginPicksAKnownHostByNumber() {
		Config config = Config.load(this.directory);
		config.activate("http://127.0.0.1:1", "t");
		config.activate("http://127.0.0.1:2", "t");
		config.save();

		Cli.Result result = new Cli(this.directory).runWithInput("1\n", "login");

		assertThat(result.err()).contains("1. http://127.0.0.1:1", "2. http://127.0.0.1:2 (active)")
			.contains("Cannot reach http://127.0.0.1:1");
	}

	@Test
	void aFolderIsTarredWithItsContentsAtTheRoot() throws IOException {
		Path folder = Files.createDirectory(this.directory.resolve("src"));
		Files.writeString(folder.resolve("service.py"), "print('hi')\n");
		Path bin = Files.createDirectories(folder.resolve(".s2i/bin"));
		Files.writeString(bin.resolve("run"), "#!/bin/sh\n");
		Files.setPosixFilePermissions(bin.resolve("run"), PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.createSymbolicLink(folder.resolve("link.py"), Path.of("service.py"));
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		SourceArchive.write(folder, out);

		Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
		Map<String, String> contents = new HashMap<>();
		try (TarArchiveInputStream tar = new TarArchiveInputStream(
				new GzipCompressorInputStream(new ByteArrayInputStream(out.toByteArray())))) {
			for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
				entries.put(entry.getName(), entry);
				contents.put(entry.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		assertThat(entries).containsOnlyKeys(".s2i/", ".s2i/bin/", ".s2i/bin/run", "link.py", "service.py");
		assertThat(contents.get("service.py")).isEqualTo("print('hi')\n");
		assertThat(entries.get(".s2i/bin/run").getMode() & 0777).isEqualTo(0755);
		assertThat(entries.get("service.py").getMode() & 0777).isEqualTo(0644);
		assertThat(entries.get("link.py").isSymbolicLink()).isTrue();
		assertThat(entries.get("link.py").getLinkName()).isEqualTo("service.py");
	}

	@Test
	void initWritesADeployableSkeletonAndOverwritesNothing() throws IOException {
		Path target = this.directory.resolve("My Model");
		Cli cli = new Cli(this.directory.resolve("config"));

		Cli.Result result = cli.run("init", target.toString());

		assertThat(result.code()).as(result.toString()).isZero();
		assertThat(result.out()).contains("daeploy deploy my_model 0.1.0 " + target);
		assertThat(Files.readString(target.resolve("service.py"))).contains("FastAPI", "port=8000", "\"my_model\"");
		assertThat(Files.readString(target.resolve("requirements.txt"))).contains("fastapi", "uvicorn");
		assertThat(Files.readString(target.resolve(".s2i/environment"))).contains("APP_FILE=service.py");

		Files.writeString(target.resolve("service.py"), "mine");
		Cli.Result again = cli.run("init", target.toString(), "-n", "other");
		assertThat(again.code()).isEqualTo(1);
		assertThat(again.err()).contains("Not overwriting service.py, requirements.txt, .s2i/environment");
		assertThat(Files.readString(target.resolve("service.py"))).isEqualTo("mine");
		assertThat(InitCommand.serviceName(Path.of("--Hello-World 2--"))).isEqualTo("hello_world_2");
	}

	@Test
	void completionCoversEveryCommandForBashAndZsh() {
		Cli cli = new Cli(this.directory);

		Cli.Result bash = cli.run("completion");
		Cli.Result zsh = cli.run("completion", "zsh");

		assertThat(bash.code()).isZero();
		assertThat(bash.out()).contains("complete -F _complete_daeploy", "bashcompinit", "deploy", "notifications",
				"--keep-image", "--image-local");
		assertThat(zsh.out()).isEqualTo(bash.out());
	}

	@Test
	void progressShowsTheShareOfAKnownSize() {
		StringWriter err = new StringWriter();
		Progress progress = new Progress(new PrintWriter(err), "app.tar.gz", 3_000_000, false);
		progress.add(1_200_000);

		assertThat(progress.line()).startsWith("Uploading app.tar.gz: 1.2 MB of 3.0 MB (40%)");
		assertThat(Progress.size(512)).isEqualTo("512 B");
		assertThat(Progress.size(1_500)).isEqualTo("1.5 kB");
	}

	private static DeployCommand deploy(String... args) {
		DeployCommand command = new DeployCommand();
		new CommandLine(command).parseArgs(args);
		return command;
	}

	private static JsonNode service(String name, String version, boolean main, String state) {
		return ManagerClient.JSON
			.readTree("{\"name\": \"" + name + "\", \"version\": \"" + version + "\", \"main\": " + main
					+ ", \"state\": \"" + state + "\", \"url\": \"http://h/services/" + name + "_" + version + "/\"}");
	}

	private static Terminal terminal(Map<String, String> env) {
		return new Terminal(env, new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
				new PrintWriter(new StringWriter()), null);
	}

}
