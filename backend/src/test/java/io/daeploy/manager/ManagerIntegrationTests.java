package io.daeploy.manager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import com.github.dockerjava.api.DockerClient;
import io.daeploy.manager.proxy.ProxyConnector;
import com.github.dockerjava.api.model.Container;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.graphql.test.autoconfigure.tester.AutoConfigureHttpGraphQlTester;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole manager on a random port, with a real SQLite
 * file in a fresh data directory and the real Docker engine. Each test class gets its own
 * manager instance label, so reconciliation never touches another run's containers, and
 * every container a test makes is labelled {@code daeploy.test} and removed after each
 * test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureHttpGraphQlTester
public abstract class ManagerIntegrationTests {

	protected static final String INSTANCE = "test-" + UUID.randomUUID().toString().substring(0, 8);

	protected static final Duration DEADLINE = Duration.ofSeconds(30);

	protected static final String ADMIN_PASSWORD = "admin-test-password";

	/** Signed in as the admin. */
	protected HttpGraphQlTester graphQl;

	/** Without a token. */
	@Autowired
	protected HttpGraphQlTester anonymous;

	@Autowired
	protected DockerClient docker;

	@Autowired
	private ProxyConnector proxy;

	@BeforeAll
	static void images() {
		TestImages.ensure();
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		Path dataDir = Files.createTempDirectory("daeploy-test-");
		registry.add("daeploy.data-dir", dataDir::toString);
		registry.add("daeploy.instance", () -> INSTANCE);
		registry.add("daeploy.docker.network", () -> TestManagers.NETWORK);
		registry.add("daeploy.admin-password", () -> ADMIN_PASSWORD);
		registry.add("daeploy.auth.login-max-failures", () -> "1000");
		registry.add("daeploy.proxy.http-port", () -> "0");
		registry.add("daeploy.proxy.dashboard-port", () -> "0");
		registry.add("daeploy.proxy.address", () -> "127.0.0.1");
	}

	/**
	 * The embedded proxy's port, as bound.
	 * @return the port users reach services on
	 */
	protected int proxyPort() {
		return this.proxy.httpPort();
	}

	@BeforeEach
	void signIn() {
		// a loaded machine (CI has two cores) can take longer than the default 5 s
		this.anonymous = this.anonymous.mutate()
			.webTestClient((client) -> client.responseTimeout(Duration.ofSeconds(30)))
			.build();
		this.graphQl = as("admin", ADMIN_PASSWORD);
	}

	/**
	 * A tester signed in as a user.
	 * @param username user name
	 * @param password password
	 * @return the tester, sending the session token
	 */
	protected HttpGraphQlTester as(String username, String password) {
		return withToken(login(username, password));
	}

	protected String login(String username, String password) {
		return this.anonymous
			.document("mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }")
			.variable("u", username)
			.variable("p", password)
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
	}

	protected HttpGraphQlTester withToken(String token) {
		return this.anonymous.mutate().header("Authorization", "Bearer " + token).build();
	}

	@AfterEach
	void removeTestContainers() {
		for (Container container : testContainers()) {
			this.docker.removeContainerCmd(container.getId()).withForce(true).exec();
		}
		// shadows first: a main version is killed only once it is alone
		List<Map> services = new java.util.ArrayList<>(this.graphQl.document("{ services { name version main } }")
			.execute()
			.path("services")
			.entityList(Map.class)
			.get());
		services.sort(java.util.Comparator.comparing((service) -> Boolean.TRUE.equals(service.get("main"))));
		for (Map<String, Object> service : services) {
			this.graphQl
				.document("mutation($n: String!, $v: String!) { killService(input: {name: $n, version: $v}) "
						+ "{ name } }")
				.variable("n", service.get("name"))
				.variable("v", service.get("version"))
				.execute();
		}
	}

	protected List<Container> testContainers() {
		return this.docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("daeploy.instance", INSTANCE))
			.exec();
	}

	/**
	 * The container name of a service version of this test's manager.
	 * @param name service name
	 * @param version service version
	 * @return the name
	 */
	protected static String containerName(String name, String version) {
		return TestManagers.containerName(INSTANCE, name, version);
	}

	/**
	 * A service name no other test uses.
	 * @param prefix readable part
	 * @return a unique valid name
	 */
	protected static String unique(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
	}

	protected static void await(String what, BooleanSupplier condition) {
		Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
	}

}
