package io.daeploy.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Whole managers a test starts and stops itself, e.g. to restart one on the same data
 * directory.
 */
public final class TestManagers {

	private TestManagers() {
	}

	/**
	 * Starts a manager on a random port.
	 * @param args its settings, e.g. {@code --daeploy.data-dir=...}
	 * @return the running manager; close it after use
	 */
	public static ConfigurableApplicationContext start(String... args) {
		List<String> all = new ArrayList<>(
				List.of("--server.port=0", "--daeploy.proxy.http-port=0", "--daeploy.proxy.address=127.0.0.1"));
		all.addAll(List.of(args));
		return new SpringApplicationBuilder(DaeployManagerApplication.class).run(all.toArray(String[]::new));
	}

	/**
	 * The port a manager listens on.
	 * @param manager the manager
	 * @return its port
	 */
	public static String port(ConfigurableApplicationContext manager) {
		return manager.getEnvironment().getProperty("local.server.port");
	}

	/**
	 * A GraphQL tester for a manager.
	 * @param manager the manager
	 * @param token a bearer token to send, or {@code null}
	 * @return the tester
	 */
	public static HttpGraphQlTester graphQl(ConfigurableApplicationContext manager, String token) {
		WebTestClient.Builder client = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + port(manager) + "/graphql");
		if (token != null) {
			client.defaultHeader("Authorization", "Bearer " + token);
		}
		return HttpGraphQlTester.create(client.build());
	}

}
