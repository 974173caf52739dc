package io.daeploy.manager.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.daeploy.manager.TestManagers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no Docker engine answering, the manager is still ready (its store is), and says
 * that the engine is away: in readiness' details for an admin, and in the metrics.
 */
class ReadinessWithoutEngineIntegrationTests {

	private static final String PASSWORD = "no-engine-password";

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext manager;

	@AfterEach
	void stop() {
		if (this.manager != null) {
			this.manager.close();
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void readyWithTheEngineReportedAway() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-noengine-");
		this.manager = TestManagers.start("--daeploy.data-dir=" + dataDir, "--daeploy.admin-password=" + PASSWORD,
				"--daeploy.docker.host=unix://" + dataDir + "/no-such-docker.sock");
		HttpResponse<String> anonymous = get("/actuator/health/readiness", null);
		assertThat(anonymous.statusCode()).isEqualTo(200);
		assertThat(anonymous.body()).isEqualTo("{\"status\":\"UP\"}");

		String admin = TestManagers.graphQl(this.manager, null)
			.document("mutation { login(input: {username: \"admin\", password: \"" + PASSWORD + "\"}) { token } }")
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
		HttpResponse<String> detailed = get("/actuator/health/readiness", admin);
		assertThat(detailed.statusCode()).isEqualTo(200);
		Map<String, Object> readiness = JsonMapper.builder().build().readValue(detailed.body(), Map.class);
		assertThat(readiness).containsEntry("status", "UP");
		Map<String, Object> components = (Map<String, Object>) readiness.get("components");
		assertThat((Map<String, Object>) components.get("store")).containsEntry("status", "UP");
		Map<String, Object> runtime = (Map<String, Object>) components.get("runtime");
		assertThat(runtime).containsEntry("status", "UP");
		assertThat((Map<String, Object>) runtime.get("details")).containsEntry("available", false)
			.containsKey("message");
		assertThat(new Scrape(get("/actuator/prometheus", admin).body()).value("daeploy_runtime_available", Map.of()))
			.isEqualTo(0.0);
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + TestManagers.port(this.manager) + path))
			.timeout(Duration.ofSeconds(10))
			.GET();
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
