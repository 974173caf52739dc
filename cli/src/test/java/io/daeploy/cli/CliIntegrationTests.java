package io.daeploy.cli;

import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command line against a real manager (its jar, started as a process) with real
 * containers, command after command as a user types them: login, deploy a folder and
 * follow it to RUNNING, ls, logs -f, assign, kill.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIntegrationTests {

	private static final String BUILDER = "daeploy-test/s2i-busybox:1";

	private static final String NAME = "cli_hello";

	private static TestManager manager;

	@TempDir
	static Path home;

	private static Cli cli;

	private static String builtImage;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws Exception {
		manager = TestManager.start();
		cli = new Cli(home.resolve("config"));
	}

	@AfterAll
	static void stop() {
		if (manager != null) {
			manager.close();
		}
	}

	@Test
	@Order(1)
	void aWrongPasswordIsRefusedWithTheManagersCodeAndNothingIsStored() {
		Cli.Result result = cli.run("login", "-H", manager.host(), "-u", "admin", "-p", "not-the-password");

		assertThat(result.code()).as(result.toString()).isEqualTo(1);
		assertThat(result.err()).contains("INVALID_CREDENTIALS").doesNotContain("Exception").doesNotContain("\tat ");
		assertThat(home.resolve("config").resolve(Config.FILE)).doesNotExist();
	}

	@Test
	@Order(2)
	void loginStoresTheTokenOwnerOnlyAndMakesTheHostActive() throws Exception {
		Cli.Result result = cli.run("login", "-H", manager.host() + "/", "-u", "admin", "-p",
				TestManager.ADMIN_PASSWORD);

		assertThat(result.code()).as(result.toString()).isZero();
		assertThat(result.out()).contains("Logged in to " + manager.host() + " as admin");
		Path directory = home.resolve("config");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
		Path file = directory.resolve(Config.FILE);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		JsonNode stored = ManagerClient.JSON.readTree(Files.readString(file));
		assertThat(stored.path("active_host").asString()).isEqualTo(manager.host());
		assertThat(stored.path("access_tokens").path(manager.host()).asString()).isNotBlank();

		Cli.Result again = cli.run("login", "-H", manager.host());
		assertThat(again.out()).as(again.toString()).contains("Changed host to " + manager.host());
	}

	@Test
	@Order(3)
	void deployAFolderFollowsTheBuildToRunning() throws Exception {
		Path source = home.resolve("hello");
		Files.createDirectories(source.resolve("static"));
		Files.writeString(source.resolve("index.html"), "hello from the cli\n");
		Files.writeString(source.resolve("static").resolve("page.html"), "a page\n");
		Files.writeString(source.resolve("build.sh"), "echo \"building with GREETING=$GREETING\"\n");

		Cli.Result result = cli.env("GREETING", "hej")
			.run("deploy", NAME, "1.0.0", source.toString(), "--build-image", BUILDER, "-e", "GREETING", "-p", "8000",
					"--health-check", "/", "--health-timeout", "60");

		assertThat(result.code()).as(result.toString()).isZero();
		assertThat(result.err()).contains("Uploading hello.tar.gz");
		assertThat(result.out()).contains("==> BUILDING", "---> Running build.sh", "==> STARTING", "==> RUNNING",
				"Service deployed successfully");
		assertThat(result.out()).containsPattern("\\*\\s+" + NAME + "\\s+1\\.0\\.0\\s+running\\s+Running \\(since");
		assertThat(get(NAME + "/")).isEqualTo("hello from the cli\n");
		assertThat(get(NAME + "/static/page.html")).isEqualTo("a page\n");
	}

	@Test
	@Order(4)
	void lsShowsTheOriginalsTableAndJson() {
		Cli.Result table = cli.run("ls");
		assertThat(table.code()).as(table.toString()).isZero();
		assertThat(table.out().lines().findFirst()).hasValueSatisfying(
				(header) -> assertThat(header).matches("MAIN\\s+NAME\\s+VERSION\\s+STATUS\\s+RUNNING\\s+URL"));
		assertThat(table.out()).contains("/services/" + NAME + "_1.0.0/");

		Cli.Result json = cli.run("ls", NAME, "1.0.0", "--json");
		assertThat(json.code()).as(json.toString()).isZero();
		JsonNode services = ManagerClient.JSON.readTree(json.out());
		assertThat(services).hasSize(1);
		assertThat(services.path(0).path("main").asBoolean()).isTrue();
		assertThat(services.path(0).path("inspection").path("running").asBoolean()).isTrue();
		builtImage = services.path(0).path("image").asString();

		Cli.Result missing = cli.run("ls", "no_such_service");
		assertThat(missing.code()).isEqualTo(1);
		assertThat(missing.err()).contains("SERVICE_NOT_FOUND");
	}

	@Test
	@Order(5)
	void anImageDeploysAsAShadowAndAssignMakesItMain() {
		Cli.Result deployed = cli.run("deploy", NAME, "1.1.0", "-i", builtImage);
		assertThat(deployed.code()).as(deployed.toString()).isZero();
		assertThat(deployed.out()).containsPattern("\\n\\s+" + NAME + "\\s+1\\.1\\.0\\s+running");

		Cli.Result assigned = cli.run("assign", NAME, "1.1.0", "--yes");
		assertThat(assigned.code()).as(assigned.toString()).isZero();
		assertThat(assigned.out()).contains("Main version of " + NAME + " is 1.1.0 (was 1.0.0)")
			.containsPattern("\\*\\s+" + NAME + "\\s+1\\.1\\.0");
	}

	@Test
	@Order(6)
	void logsFollowsUntilTheContainerStops() throws Exception {
		StringWriter out = new StringWriter();
		CompletableFuture<Integer> following = CompletableFuture
			.supplyAsync(() -> cli.runInto(out, "logs", NAME, "1.0.0", "-f", "-n", "0"));
		// each request is logged by httpd -vv: keep asking until the followed log shows
		// one
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
			get(NAME + "_1.0.0/");
			assertThat(out.toString()).contains("response:200");
		});
		assertThat(following).isNotDone();

		Cli.Result declined = cli.runWithInput("n\n", "kill", NAME, "1.0.0");
		assertThat(declined.code()).isEqualTo(1);
		assertThat(declined.err()).contains("Kill this service version").contains("Nothing killed");
		assertThat(cli.run("ls", NAME, "1.0.0").code()).isZero();

		Cli.Result killed = cli.run("kill", NAME, "1.0.0", "--yes", "--keep-image");
		assertThat(killed.code()).as(killed.toString()).isZero();
		assertThat(killed.out()).contains("Killed " + NAME + " 1.0.0");
		// the container stopped: the followed stream completes and the command ends well
		assertThat(following.get(30, TimeUnit.SECONDS)).isZero();
	}

	@Test
	@Order(7)
	void deploymentsListsTheJobsAndAFailedDeployExitsNonZero() {
		Cli.Result deployments = cli.run("deployments", NAME);
		assertThat(deployments.code()).as(deployments.toString()).isZero();
		assertThat(deployments.out()).containsPattern("DEPLOY\\s+RUNNING\\s+" + NAME + "\\s+1\\.0\\.0");

		Cli.Result invalid = cli.run("deploy", NAME, "1.0", "-i", builtImage);
		assertThat(invalid.code()).isEqualTo(1);
		assertThat(invalid.err()).contains("INVALID_VERSION").doesNotContain("\tat ");

		Cli.Result unhealthy = cli.run("deploy", NAME, "2.0.0", "-i", builtImage, "-p", "8000", "--health-check",
				"/no-such-page", "--health-timeout", "3");
		assertThat(unhealthy.code()).as(unhealthy.toString()).isEqualTo(1);
		assertThat(unhealthy.out()).contains("==> FAILED");
		assertThat(unhealthy.err()).contains("HEALTH_CHECK_FAILED");
	}

	@Test
	@Order(8)
	void tokensUsersAndNotifications() {
		Cli.Result token = cli.run("token", "1", "--name", "ci");
		assertThat(token.code()).as(token.toString()).isZero();
		String secret = token.out().lines().reduce((first, second) -> second).orElseThrow();
		Cli other = new Cli(home.resolve("other-config"));
		Cli.Result withToken = other.run("login", "-H", manager.host(), "-t", secret);
		assertThat(withToken.code()).as(withToken.toString()).isZero();
		assertThat(withToken.out()).contains("Logged in to " + manager.host() + " as admin");
		Cli.Result badToken = other.run("login", "-H", manager.host(), "-t", secret + "x");
		assertThat(badToken.code()).isEqualTo(1);
		assertThat(badToken.err()).contains("Invalid token given");

		assertThat(cli.run("user", "add", "bob", "-p", "bobs-password").code()).isZero();
		assertThat(cli.run("user", "ls").out()).containsPattern("bob\\s+USER");
		Cli.Result exists = cli.run("user", "add", "bob", "-p", "bobs-password");
		assertThat(exists.err()).contains("USER_EXISTS");
		assertThat(cli.runWithInput("newpassword\nnewpassword\n", "user", "update", "bob").code()).isZero();
		Cli bob = new Cli(home.resolve("bob-config"));
		assertThat(bob.run("login", "-H", manager.host(), "-u", "bob", "-p", "newpassword").code()).isZero();
		Cli.Result forbidden = bob.run("user", "ls");
		assertThat(forbidden.code()).isEqualTo(1);
		assertThat(forbidden.err()).contains("FORBIDDEN");
		assertThat(cli.run("user", "rm", "bob", "--yes").out()).contains("Deleted user bob");

		Cli.Result notifications = cli.run("notifications");
		assertThat(notifications.code()).as(notifications.toString()).isZero();
		assertThat(notifications.out()).startsWith("SEVERITY");
	}

	@Test
	@Order(9)
	void aLocalImageIsSentAsADockerSaveUpload() throws Exception {
		// a tag of this test's own, so that nothing but the tag is removed afterwards
		String image = "daeploy-cli-test/busybox:" + manager.instance();
		docker("tag", "daeploy-test/busybox:1", image);
		try {
			Cli.Result deployed = cli.run("deploy", "cli_local", "1.0.0", "-I", image);
			assertThat(deployed.code()).as(deployed.toString()).isZero();
			assertThat(deployed.err()).contains("Uploading " + image);
			assertThat(deployed.out()).contains("Loaded " + image, "==> RUNNING");
			assertThat(get("cli_local/")).isNotEmpty();
			assertThat(cli.run("kill", "cli_local", "--yes", "--keep-image").code()).isZero();
		}
		finally {
			docker("rmi", image);
		}
	}

	@Test
	@Order(10)
	void killTakesShadowsFirstAndLogoutForgetsTheHost() throws Exception {
		Path source = Files.createDirectories(home.resolve("archived"));
		Files.writeString(source.resolve("index.html"), "from an archive\n");
		Path archive = home.resolve("archived.tar.gz");
		try (var out = Files.newOutputStream(archive)) {
			SourceArchive.write(source, out);
		}
		Cli.Result fromArchive = cli.run("deploy", NAME, "1.2.0", archive.toString(), "--build-image", BUILDER);
		assertThat(fromArchive.code()).as(fromArchive.toString()).isZero();
		assertThat(fromArchive.err()).contains("Uploading archived.tar.gz").contains("(100%)");
		assertThat(get(NAME + "_1.2.0/")).isEqualTo("from an archive\n");

		assertThat(cli.run("deploy", NAME, "1.3.0", "-i", builtImage).code()).isZero();

		Cli.Result mainFirst = cli.run("kill", NAME, "1.1.0", "--yes");
		assertThat(mainFirst.code()).isEqualTo(1);
		assertThat(mainFirst.err()).contains("MAIN_HAS_SHADOWS");
		Cli.Result handedOver = cli.run("kill", NAME, "1.1.0", "--yes", "--new-main", "1.2.0");
		assertThat(handedOver.code()).as(handedOver.toString()).isZero();
		assertThat(cli.run("ls", NAME).out()).containsPattern("\\*\\s+" + NAME + "\\s+1\\.2\\.0");

		Cli.Result killed = cli.run("kill", NAME, "--yes");
		assertThat(killed.code()).as(killed.toString()).isZero();
		assertThat(killed.out().indexOf("Killed " + NAME + " 1.3.0"))
			.isLessThan(killed.out().indexOf("Killed " + NAME + " 1.2.0"));
		assertThat(cli.run("ls").out().trim()).matches("MAIN\\s+NAME\\s+VERSION\\s+STATUS\\s+RUNNING\\s+URL");

		assertThat(cli.run("logout").out()).contains("Logged out from " + manager.host());
		Cli.Result after = cli.run("ls");
		assertThat(after.code()).isEqualTo(1);
		assertThat(after.err()).contains("No active host");
	}

	private static void docker(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("docker"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(output).isZero();
	}

	private String get(String path) throws Exception {
		String token = Config.load(home.resolve("config")).token(manager.host());
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create(manager.host() + "/services/" + path))
				.header("Authorization", "Bearer " + token)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

}
