package io.daeploy.manager.system;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.graphql.test.autoconfigure.tester.AutoConfigureHttpGraphQlTester;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager starts and answers when no Docker engine does, and says so.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureHttpGraphQlTester
class RuntimeUnavailableIntegrationTests {

	@Autowired
	HttpGraphQlTester graphQl;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		String dataDir = Files.createTempDirectory("daeploy-nodocker-").toString();
		registry.add("daeploy.data-dir", () -> dataDir);
		registry.add("daeploy.docker.host", () -> "unix://" + dataDir + "/no-such-docker.sock");
		// also shows that with auth off, callers without a token may use services
		registry.add("daeploy.auth.enabled", () -> "false");
		// never the default ports: a manager running on this machine holds them
		registry.add("daeploy.proxy.http-port", () -> "0");
		registry.add("daeploy.proxy.dashboard-port", () -> "0");
	}

	@Test
	void reportsTheRuntimeAsUnavailable() {
		Map<String, Object> runtime = this.graphQl.document("{ runtime { kind available version message } }")
			.execute()
			.path("runtime")
			.entity(Map.class)
			.get();
		assertThat(runtime).containsEntry("kind", "docker").containsEntry("available", false);
		assertThat((String) runtime.get("message")).contains("does not answer");
	}

	@Test
	void deploysFailWithACodeAndStoreNothing() {
		this.graphQl
			.document("mutation { deployService(input: {name: \"svc\", version: \"1.0.0\", image: \"x:1\"}) "
					+ "{ service { name } } }")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", "RUNTIME_UNAVAILABLE")));
		this.graphQl.document("{ services { name } }").execute().path("services").entityList(Map.class).hasSize(0);
	}

	@Test
	void metricsStayForAdminsWithAuthOff() {
		WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.value((status) -> assertThat(status).isIn(401, 403));
		WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.build()
			.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("{\"status\":\"UP\"}");
	}

	@Test
	void answersManagerQueries() {
		this.graphQl.document("{ manager { version hostName authEnabled } }")
			.execute()
			.path("manager.hostName")
			.entity(String.class)
			.isEqualTo("localhost");
	}

}
