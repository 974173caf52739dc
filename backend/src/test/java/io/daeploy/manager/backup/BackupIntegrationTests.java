package io.daeploy.manager.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.dockerjava.api.DockerClient;
import io.daeploy.manager.TestDocker;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots of the store, taken while writes go on, and a manager started on a restored
 * snapshot: its users, tokens, services and notifications are there, and its containers
 * are reconciled as at any start.
 */
class BackupIntegrationTests {

	private static final String PASSWORD = "backup-admin-password";

	private final String instance = "bk" + UUID.randomUUID().toString().substring(0, 8);

	private final DockerClient docker = TestDocker.client();

	private ConfigurableApplicationContext manager;

	@BeforeAll
	static void images() {
		TestImages.ensure();
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.manager != null) {
			this.manager.close();
		}
		this.docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("daeploy.instance", this.instance))
			.exec()
			.forEach((c) -> this.docker.removeContainerCmd(c.getId()).withForce(true).exec());
		this.docker.close();
	}

	@Test
	void aSnapshotTakenWhileWritesGoOnRestoresEverything() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-backup-");
		HttpGraphQlTester admin = start(dataDir, "--daeploy.backup.keep=2");
		admin
			.document("mutation { createUser(input: {username: \"kept-user\", password: \"kept-password\"}) "
					+ "{ user { username } } }")
			.executeAndVerify();
		String apiToken = admin.document("mutation { createToken(input: {name: \"kept\"}) { token } }")
			.execute()
			.path("createToken.token")
			.entity(String.class)
			.get();
		admin.documentName("deployService")
			.variable("input", Map.of("name", "kept", "version", "1.0.0", "image", TestImages.BUSYBOX))
			.executeAndVerify();

		// writes go on while snapshots are taken
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger raised = new AtomicInteger();
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			while (writing.get()) {
				admin
					.document("mutation($m: String!) { raiseNotification(input: {serviceName: \"kept\", message: $m}) "
							+ "{ notification { id } } }")
					.variable("m", "during " + raised.incrementAndGet())
					.executeAndVerify();
			}
		});
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> raised.get() > 5);
		Map<String, Object> backup = null;
		for (int i = 0; i < 3; i++) {
			backup = admin.document("mutation { backupNow { backup { name path bytes takenAt } } }")
				.execute()
				.path("backupNow.backup")
				.entity(Map.class)
				.get();
		}
		writing.set(false);
		writer.get();
		Path snapshot = Path.of((String) backup.get("path"));
		assertThat(snapshot).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot))).isEqualTo("rw-------");
		assertThat(integrity(snapshot)).isEqualTo("ok");
		// only the newest two are kept
		assertThat(admin.document("{ backups { name } }").execute().path("backups").entityList(Map.class).get())
			.hasSize(2);
		this.manager.close();
		this.manager = null;

		// restore: the snapshot in place of the database of a new data directory
		Path restoredDir = Files.createTempDirectory("daeploy-restored-");
		Files.copy(snapshot, restoredDir.resolve("daeploy.db"));
		HttpGraphQlTester restored = start(restoredDir);
		assertThat(restored.document("{ users { username } }")
			.execute()
			.path("users[*].username")
			.entityList(String.class)
			.get()).contains("admin", "kept-user");
		// the signing secret came along: the token issued before still works
		assertThat(TestManagers.graphQl(this.manager, apiToken)
			.document("{ me { name } }")
			.execute()
			.path("me.name")
			.entity(String.class)
			.get()).isEqualTo("admin");
		assertThat(
				restored.document("{ notifications(serviceName: \"kept\", first: 500) { notifications { message } } }")
					.execute()
					.path("notifications.notifications")
					.entityList(Map.class)
					.get())
			.isNotEmpty();
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> "RUNNING".equals(restored.document("{ services { state } }")
				.execute()
				.path("services[0].state")
				.entity(String.class)
				.get()));
	}

	@Test
	void onlyAnAdminTakesSnapshots() throws Exception {
		HttpGraphQlTester admin = start(Files.createTempDirectory("daeploy-backup-"));
		admin
			.document("mutation { createUser(input: {username: \"plain\", password: \"plain-password\"}) "
					+ "{ user { username } } }")
			.executeAndVerify();
		String session = admin
			.document("mutation { login(input: {username: \"plain\", password: \"plain-password\"}) " + "{ token } }")
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
		TestManagers.graphQl(this.manager, session)
			.document("mutation { backupNow { backup { name } } }")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", "FORBIDDEN")));
	}

	private HttpGraphQlTester start(Path dataDir, String... extra) {
		List<String> args = new java.util.ArrayList<>(
				List.of("--daeploy.data-dir=" + dataDir, "--daeploy.instance=" + this.instance,
						"--daeploy.admin-password=" + PASSWORD, "--daeploy.backup.interval=0s"));
		args.addAll(List.of(extra));
		this.manager = TestManagers.start(args.toArray(String[]::new));
		String token = TestManagers.graphQl(this.manager, null)
			.document("mutation { login(input: {username: \"admin\", password: \"" + PASSWORD + "\"}) { token } }")
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
		return TestManagers.graphQl(this.manager, token);
	}

	private static String integrity(Path database) throws Exception {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				ResultSet result = connection.createStatement().executeQuery("PRAGMA integrity_check")) {
			result.next();
			return result.getString(1);
		}
	}

}
