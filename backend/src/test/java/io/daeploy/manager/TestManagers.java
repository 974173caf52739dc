package io.daeploy.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Whole managers a test starts and stops itself, e.g. to restart one on the same data
 * directory.
 */
public final class TestManagers {

	/**
	 * The network test managers put services on: one for all, so that test runs with an
	 * instance each do not use up the engine's address pools.
	 */
	public static final String NETWORK = "daeploy-test-network";

	private TestManagers() {
	}

	/**
	 * Starts a manager on a random port.
	 * @param args its settings, e.g. {@code --daeploy.data-dir=...}
	 * @return the running manager; close it after use
	 */
	public static ConfigurableApplicationContext start(String... args) {
		List<String> all = new ArrayList<>(
				List.of("--server.port=0", "--daeploy.proxy.http-port=0", "--daeploy.proxy.dashboard-port=0",
						"--daeploy.proxy.address=127.0.0.1", "--daeploy.docker.network=" + NETWORK));
		all.addAll(List.of(args));
		return builder().run(all.toArray(String[]::new));
	}

	/**
	 * A builder of whole managers that can run side by side in one JVM: each gets Netty
	 * resources of its own, so closing one never stops another's server.
	 * @return the builder
	 */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(DaeployManagerApplication.class)
			.initializers((ConfigurableApplicationContext context) -> context.getBeanFactory()
				.registerSingleton("ownNettyResources", new BeanPostProcessor() {

					@Override
					public Object postProcessBeforeInitialization(Object bean, String beanName) {
						if (bean instanceof ReactorResourceFactory resources) {
							resources.setUseGlobalResources(false);
						}
						return bean;
					}

				}));
	}

	/**
	 * The container name a manager of an instance gives a service version.
	 * @param instance the manager's instance
	 * @param name service name
	 * @param version service version
	 * @return {@code daeploy-<instance>-<name>-<version>}
	 */
	public static String containerName(String instance, String name, String version) {
		return "daeploy-" + instance + "-" + name + "-" + version;
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
