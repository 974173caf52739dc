package io.daeploy.manager.deployment;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.daeploy.manager.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our Python builder on a Debian base with Debian's python3 packages (nothing can be
 * pulled or installed from PyPI here): the default builder is missing, so the manager
 * builds it from {@code builders/python} and reports that build in the deployment's log;
 * then a service written the way the original's services were (FastAPI, uvicorn, the
 * {@code daeploy.*} environment, {@code APP_FILE} in {@code .s2i/environment}) runs
 * unchanged, and a real pickled scikit-learn model answers {@code POST /predict}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PythonBuilderIntegrationTests extends DeploymentTestBase {

	static final String BUILDER = "daeploy-test/s2i-python-" + UUID.randomUUID().toString().substring(0, 8) + ":1";

	@TempDir
	Path temp;

	@DynamicPropertySource
	static void builder(DynamicPropertyRegistry registry) {
		registry.add("daeploy.s2i.builder", () -> BUILDER);
		registry.add("daeploy.s2i.python-base", () -> TestImages.PYTHON);
	}

	@BeforeAll
	static void pythonBase() {
		TestImages.ensurePython();
	}

	@AfterAll
	static void removeBuilder() throws Exception {
		DeployFromSourceIntegrationTests.docker("rmi", "-f", BUILDER);
	}

	@Test
	@Order(1)
	void theMissingDefaultBuilderIsBuiltAndRunsAServiceWrittenForTheOriginal() {
		String name = unique("py");
		String uploadId = upload(tarGz(DeployFromSourceIntegrationTests.files("service.py", """
				import os

				import uvicorn
				from fastapi import FastAPI

				app = FastAPI()


				@app.get("/hello")
				def hello(name: str = "world"):
				    return {"greeting": "Hello " + name, "service": os.environ["daeploy.name"],
				            "version": os.environ["daeploy.version"]}


				if __name__ == "__main__":
				    print("starting", flush=True)
				    uvicorn.run(app, host="0.0.0.0", port=8000)
				""", "requirements.txt", "fastapi\nuvicorn\n", ".s2i/environment",
				"APP_FILE = service.py\nPIP_NO_INDEX=1\n")), "service.tar.gz");
		Map<String, Object> ended = awaitEnd((String) deploy(input(name, "1.0.0", "source", tarSource(uploadId),
				"healthCheck", Map.of("path", "/hello", "intervalSeconds", 0.5, "timeoutSeconds", 60)))
			.get("id"));
		assertThat(ended.get("state")).as("%s", ended).isEqualTo("RUNNING");
		assertThat(logText(ended)).contains("building the Daeploy Python builder as " + BUILDER,
				"---> Installing requirements.txt", "Requirement already satisfied: fastapi",
				"The health check passed");
		HttpResponse<String> hello = get("/services/" + name + "/hello?name=daeploy");
		assertThat(hello.statusCode()).isEqualTo(200);
		assertThat(hello.body()).contains("\"greeting\":\"Hello daeploy\"", "\"service\":\"" + name + "\"",
				"\"version\":\"1.0.0\"");
	}

	@Test
	@Order(2)
	void aPickledModelAnswersPredict() throws Exception {
		Path out = Files.createDirectories(this.temp.resolve("model"));
		DeployFromSourceIntegrationTests.docker("run", "--rm", "--label", "test.daeploy=pickle", "-v", out + ":/out",
				TestImages.PYTHON, "python3", "-c", """
						import pickle
						import pandas
						from sklearn.linear_model import LinearRegression
						model = LinearRegression().fit(pandas.DataFrame({"x": [0, 1, 2, 3]}), [1, 3, 5, 7])
						pickle.dump(model, open("/out/model.pkl", "wb"))
						""");
		String uploadId = upload(Files.readAllBytes(out.resolve("model.pkl")), "model.pkl");
		String name = unique("model");
		Map<String, Object> ended = awaitEnd((String) deploy(input(name, "1.0.0", "source",
				Map.of("pickle", Map.of("uploadId", uploadId, "requirements", List.of("scikit-learn", "pandas"))),
				"healthCheck", Map.of("path", "/", "intervalSeconds", 0.5, "timeoutSeconds", 60)))
			.get("id"));
		assertThat(ended.get("state")).as("%s", ended).isEqualTo("RUNNING");
		assertThat(logText(ended)).contains("Rendering the pickle template",
				"Requirement already satisfied: scikit-learn");
		HttpResponse<String> predicted = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort() + "/services/" + name + "/predict"))
					.header("Authorization", "Bearer " + adminToken())
					.header("Content-Type", "application/json")
					.timeout(Duration.ofSeconds(20))
					.POST(HttpRequest.BodyPublishers.ofString("{\"data\": {\"x\": [4, 10]}}"))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
		List<?> values = new tools.jackson.databind.json.JsonMapper().readValue(predicted.body(), List.class);
		assertThat(values).hasSize(2);
		assertThat(((Number) values.get(0)).doubleValue()).isCloseTo(9.0, org.assertj.core.data.Offset.offset(1e-6));
		assertThat(((Number) values.get(1)).doubleValue()).isCloseTo(21.0, org.assertj.core.data.Offset.offset(1e-6));
	}

}
