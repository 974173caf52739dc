package io.daeploy.manager.original;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.daeploy.manager.TestDocker;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import io.daeploy.manager.config.UnusableDataDirectoryException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder.BCryptVersion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A move from the original Daeploy in one step: a database file in the original's schema
 * (behaviour reference §8.6: users with bcrypt hashes, the JWT secret, token rows,
 * service rows) and a running container the original made, imported on a first start. Old
 * passwords sign in, old tokens work and can be revoked, the service is listed and its
 * container becomes this manager's; a second start imports nothing.
 */
class OriginalImportIntegrationTests {

	/** The original's tables, as its SQLAlchemy models create them. */
	private static final List<String> ORIGINAL_SCHEMA = List.of(
			"CREATE TABLE tokens (uuid VARCHAR NOT NULL, created_at DATETIME, PRIMARY KEY (uuid))",
			"CREATE TABLE services (id INTEGER NOT NULL, name VARCHAR, version VARCHAR, image VARCHAR, url VARCHAR,"
					+ " main BOOLEAN, token_uuid VARCHAR, PRIMARY KEY (id), FOREIGN KEY(token_uuid) REFERENCES"
					+ " tokens (uuid))",
			"CREATE TABLE config (\"key\" VARCHAR NOT NULL, value VARCHAR, PRIMARY KEY (\"key\"), UNIQUE (\"key\"))",
			"CREATE TABLE users (id INTEGER NOT NULL, name VARCHAR, password VARCHAR, PRIMARY KEY (id),"
					+ " UNIQUE (name))");

	private final String instance = "im" + UUID.randomUUID().toString().substring(0, 8);

	private final String service = "moved_" + UUID.randomUUID().toString().substring(0, 8);

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
			.withLabelFilter(Map.of("test.daeploy", this.instance))
			.exec()
			.forEach((c) -> this.docker.removeContainerCmd(c.getId()).withForce(true).exec());
		this.docker.close();
	}

	@Test
	void importsUsersTokensAndServicesOnceAndTakesOverTheContainer() throws Exception {
		Path originalDir = Files.createTempDirectory("daeploy-original-");
		Path original = originalDir.resolve("daeploy_manager_db.db");
		String secret = Base64.getEncoder().encodeToString(random(64));
		String apiTokenId = UUID.randomUUID().toString();
		String serviceTokenId = UUID.randomUUID().toString();
		try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + original)) {
			try (Statement ddl = db.createStatement()) {
				for (String table : ORIGINAL_SCHEMA) {
					ddl.execute(table);
				}
			}
			insert(db, "INSERT INTO config (key, value) VALUES (?, ?)", "JWT_TOKEN_SECRET", secret);
			// bcrypt.hashpw returns bytes, which SQLAlchemy stores as they are (a BLOB)
			BCryptPasswordEncoder python = new BCryptPasswordEncoder(BCryptVersion.$2B, 12);
			insert(db, "INSERT INTO users (id, name, password) VALUES (?, ?, ?)", 1, "admin",
					python.encode("original-admin").getBytes(StandardCharsets.US_ASCII));
			insert(db, "INSERT INTO users (id, name, password) VALUES (?, ?, ?)", 2, "alice",
					python.encode("alice-old-password").getBytes(StandardCharsets.US_ASCII));
			insert(db, "INSERT INTO tokens (uuid, created_at) VALUES (?, ?)", apiTokenId, "2025-03-04 05:06:07.123456");
			insert(db, "INSERT INTO tokens (uuid, created_at) VALUES (?, ?)", serviceTokenId,
					"2025-03-05 06:07:08.000001");
			insert(db,
					"INSERT INTO services (id, name, version, image, url, main, token_uuid) VALUES (?, ?, ?, ?, ?, ?, ?)",
					1, this.service, "1.0.0", TestImages.BUSYBOX, "http://daeploy-" + this.service + "-1.0.0:8000", 1,
					serviceTokenId);
		}
		String apiToken = originalToken(secret, apiTokenId);
		String serviceToken = originalToken(secret, serviceTokenId);
		// the original's container: its name, its one label, the token in its environment
		String originalContainer = "daeploy-" + this.service + "-1.0.0";
		String id = this.docker.createContainerCmd(TestImages.BUSYBOX)
			.withName(originalContainer)
			.withLabels(Map.of("daeploy.type", "service", "team", "ml", "test.daeploy", this.instance))
			.withEnv("daeploy.auth=" + serviceToken, "daeploy.name=" + this.service, "daeploy.version=1.0.0",
					"MODE=moved")
			.withExposedPorts(ExposedPort.tcp(8000))
			.exec()
			.getId();
		this.docker.startContainerCmd(id).exec();

		Path dataDir = Files.createTempDirectory("daeploy-imported-");
		start(dataDir, original);
		// old passwords sign in, the admin's too (no DAEPLOY_ADMIN_PASSWORD: it is kept)
		HttpGraphQlTester alice = TestManagers.graphQl(this.manager, login("alice", "alice-old-password"));
		assertThat(alice.document("{ me { name role } }").execute().path("me").entity(Map.class).get())
			.containsEntry("name", "alice")
			.containsEntry("role", "USER");
		HttpGraphQlTester admin = TestManagers.graphQl(this.manager, login("admin", "original-admin"));
		assertThat(admin.document("{ me { role } }").execute().path("me.role").entity(String.class).get())
			.isEqualTo("ADMIN");

		// the original's API token, in the original's claims, works here
		HttpGraphQlTester old = TestManagers.graphQl(this.manager, apiToken);
		assertThat(old.document("{ services { name version main } }")
			.execute()
			.path("services")
			.entityList(Map.class)
			.get())
			.singleElement()
			.satisfies((row) -> assertThat(row).containsEntry("name", this.service)
				.containsEntry("version", "1.0.0")
				.containsEntry("main", true));
		// and so for the forward-auth check in front of services
		assertThat(verify(apiToken)).isEqualTo(200);
		// the original's login sessions were never stored: they end
		assertThat(refused(originalSession(secret, "alice"))).isTrue();
		// so does the service's, until the service's container is replaced
		assertThat(TestManagers.graphQl(this.manager, serviceToken)
			.document("{ me { name role } }")
			.execute()
			.path("me")
			.entity(Map.class)
			.get()).containsEntry("name", this.service + ":1.0.0").containsEntry("role", "SERVICE");

		// the original's container is taken over: gone, and re-created as this manager's
		// with its labels and environment and the same token id
		String ours = TestManagers.containerName(this.instance, this.service, "1.0.0");
		Awaitility.await("the container to be taken over")
			.atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> !exists(originalContainer) && exists(ours)
					&& "RUNNING".equals(admin.document("{ services { state } }")
						.execute()
						.path("services[0].state")
						.entity(String.class)
						.get()));
		InspectContainerResponse taken = this.docker.inspectContainerCmd(ours).exec();
		assertThat(taken.getConfig().getLabels()).containsEntry("team", "ml")
			.containsEntry("daeploy.name", this.service)
			.containsEntry("daeploy.instance", this.instance);
		assertThat(taken.getConfig().getEnv()).contains("MODE=moved");

		// revocable here: the admin revokes the old API token, and it is refused
		admin.document("mutation($id: ID!) { revokeToken(input: {id: $id}) { id } }")
			.variable("id", apiTokenId)
			.execute()
			.path("revokeToken.id")
			.entity(String.class)
			.isEqualTo(apiTokenId);
		assertThat(refused(apiToken)).isTrue();
		assertThat(verify(apiToken)).isEqualTo(401);

		// a second start on the same store with DAEPLOY_IMPORT_FROM still set imports
		// nothing again: a user deleted since stays deleted, a revoked token revoked
		admin.document("mutation { deleteUser(input: {username: \"alice\"}) { username } }").executeAndVerify();
		this.manager.close();
		this.manager = null;
		start(dataDir, original);
		HttpGraphQlTester again = TestManagers.graphQl(this.manager, login("admin", "original-admin"));
		assertThat(again.document("{ users { username } }")
			.execute()
			.path("users[*].username")
			.entityList(String.class)
			.get()).containsExactly("admin");
		assertThat(refused(apiToken)).isTrue();
		assertThat(again.document("{ services { name } }").execute().path("services").entityList(Map.class).get())
			.hasSize(1);
	}

	@Test
	void aFileThatIsNotTheOriginalsStopsTheStartInWords() throws Exception {
		Path notSqlite = Files.writeString(Files.createTempFile("daeploy-original-", ".db"), "not a database");
		assertThatThrownBy(() -> start(Files.createTempDirectory("daeploy-imported-"), notSqlite)).satisfies(
				(ex) -> assertThat(unusable(ex).getMessage()).isEqualTo(notSqlite + " is not a SQLite database"));

		Path otherSqlite = Files.createTempDirectory("daeploy-original-").resolve("other.db");
		try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + otherSqlite);
				Statement ddl = db.createStatement()) {
			ddl.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR, password VARCHAR)");
		}
		assertThatThrownBy(() -> start(Files.createTempDirectory("daeploy-imported-"), otherSqlite))
			.satisfies((ex) -> assertThat(unusable(ex).getMessage())
				.startsWith(otherSqlite + " is not the original Daeploy's database: it has no table"));

		Path missing = otherSqlite.resolveSibling("missing.db");
		assertThatThrownBy(() -> start(Files.createTempDirectory("daeploy-imported-"), missing))
			.satisfies((ex) -> assertThat(unusable(ex).getMessage()).contains("cannot be read"));
	}

	@Test
	void aStoreInUseIsNotImportedInto() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-used-");
		start(dataDir, null);
		this.manager.close();
		this.manager = null;
		Path original = Files.createTempDirectory("daeploy-original-").resolve("daeploy_manager_db.db");
		try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + original);
				Statement ddl = db.createStatement()) {
			for (String table : ORIGINAL_SCHEMA) {
				ddl.execute(table);
			}
		}
		assertThatThrownBy(() -> start(dataDir, original))
			.satisfies((ex) -> assertThat(unusable(ex).getMessage()).contains("already holds a store of its own"));
	}

	private void start(Path dataDir, Path importFrom) {
		List<String> args = new java.util.ArrayList<>(
				List.of("--daeploy.data-dir=" + dataDir, "--daeploy.instance=" + this.instance));
		if (importFrom != null) {
			args.add("--daeploy.import-from=" + importFrom);
		}
		this.manager = TestManagers.start(args.toArray(String[]::new));
	}

	private String login(String username, String password) {
		return TestManagers.graphQl(this.manager, null)
			.document("mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }")
			.variable("u", username)
			.variable("p", password)
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
	}

	private boolean refused(String token) {
		return org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + TestManagers.port(this.manager))
			.build()
			.post()
			.uri("/graphql")
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.bodyValue("{\"query\":\"{ services { name } }\"}")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value() == 401;
	}

	private int verify(String token) {
		return org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + TestManagers.port(this.manager))
			.build()
			.get()
			.uri("/auth/verify")
			.header("Authorization", "Bearer " + token)
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value();
	}

	private boolean exists(String container) {
		try {
			this.docker.inspectContainerCmd(container).exec();
			return true;
		}
		catch (NotFoundException ex) {
			return false;
		}
	}

	/** A token as the original issued them: HS256 over the secret's text, {id, iat}. */
	private static String originalToken(String secret, String id) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
				new JWTClaimsSet.Builder().claim("id", id).issueTime(new Date()).build());
		jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		return jwt.serialize();
	}

	/** A login session as the original issued them: {id: user name, iat, exp}. */
	private static String originalSession(String secret, String username) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
				new JWTClaimsSet.Builder().claim("id", username)
					.issueTime(new Date())
					.expirationTime(new Date(System.currentTimeMillis() + Duration.ofDays(7).toMillis()))
					.build());
		jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		return jwt.serialize();
	}

	private static UnusableDataDirectoryException unusable(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnusableDataDirectoryException unusable) {
				return unusable;
			}
		}
		throw new AssertionError("not an unusable data directory", ex);
	}

	private static void insert(Connection db, String sql, Object... values) throws Exception {
		try (PreparedStatement insert = db.prepareStatement(sql)) {
			for (int i = 0; i < values.length; i++) {
				insert.setObject(i + 1, values[i]);
			}
			insert.executeUpdate();
		}
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

}
