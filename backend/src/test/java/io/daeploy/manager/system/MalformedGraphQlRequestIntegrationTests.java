package io.daeploy.manager.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A POST to {@code /graphql} that is not a GraphQL request (no body, {@code null}, JSON
 * that does not parse, variables or extensions that are not objects) is answered 400 with
 * a GraphQL error carrying {@code extensions.code = INVALID_INPUT}, like every other
 * error of the endpoint. Found by the hostile-input suite: Spring answered these with its
 * default error body (no code), and an empty body with an empty 200.
 */
class MalformedGraphQlRequestIntegrationTests extends ManagerIntegrationTests {

	@LocalServerPort
	int port;

	@ParameterizedTest
	@SuppressWarnings("unchecked")
	@ValueSource(strings = { "", "null", "{", "[]", "{\"query\": \"{ manager { version } }\", \"variables\": 1}",
			"{\"query\": \"{ manager { version } }\", \"variables\": \"x\"}",
			"{\"query\": \"{ manager { version } }\", \"extensions\": 1}" })
	void isRefusedWithACode(String body) {
		Map<?, ?> answer = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build()
			.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(answer).isNotNull();
		List<?> errors = (List<?>) answer.get("errors");
		assertThat(errors).singleElement()
			.satisfies((error) -> assertThat((Map<String, Object>) ((Map<?, ?>) error).get("extensions"))
				.containsEntry("code", "INVALID_INPUT"));
	}

}
