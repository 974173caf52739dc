package io.daeploy.manager.notification;

import java.time.Duration;
import java.util.Map;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.auth.TokenService;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST endpoints' error answers carry a {@code code} beside the original's
 * {@code detail}, as the GraphQL errors do: the SDK's {@code POST /notifications/}
 * refused as unprocessable, forbidden or too large, and {@code /auth/verify} refusing a
 * token. Found by the hostile-input suite, which saw these without one.
 */
class RestErrorCodesIntegrationTests extends ManagerIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	TokenService tokens;

	@Test
	void notificationErrorsCarryACode() {
		String token = this.tokens.issueServiceToken(unique("codes"), "1.0.0").block().token();
		assertThat(post(token, "{\"severity\": 1}", 422)).containsEntry("code", "INVALID_INPUT").containsKey("detail");
		assertThat(post(token, "{not json", 422)).containsEntry("code", "INVALID_INPUT");
		assertThat(post(token, "{\"msg\": \"m\", \"timer\": 100000}", 422)).containsEntry("code", "INVALID_INPUT");
		// a service raises as itself only
		assertThat(post(token, "{\"msg\": \"m\", \"service_name\": \"other\"}", 403)).containsEntry("code",
				"FORBIDDEN");
		assertThat(post(token, "{\"msg\": \"" + "x".repeat(300_000) + "\"}", 413)).containsEntry("code",
				"REQUEST_TOO_LARGE");
	}

	@Test
	@SuppressWarnings("unchecked")
	void aRefusedTokenAtVerifyCarriesACode() {
		Map<String, Object> answer = http().get()
			.uri("/auth/verify")
			.header("Authorization", "Bearer garbage")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(answer).containsEntry("code", "UNAUTHENTICATED").containsKey("detail");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> post(String token, String body, int status) {
		return http().post()
			.uri("/notifications/")
			.contentType(MediaType.APPLICATION_JSON)
			.header("Authorization", "Bearer " + token)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	private WebTestClient http() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

}
