package io.daeploy.manager.system;

import java.time.Duration;
import io.daeploy.manager.ManagerIntegrationTests;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager serves the SPA built by the frontend module, and GraphiQL.
 */
class SpaIntegrationTests extends ManagerIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void servesTheSpaAtTheRoot() {
		WebTestClient client = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
		String html = client.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(html).contains("<title>Daeploy</title>").contains("<div id=\"root\">");
		String script = html.replaceAll("(?s).*src=\"(/assets/[^\"]+\\.js)\".*", "$1");
		client.get().uri(script).exchange().expectStatus().isOk();
	}

	@Test
	void servesGraphiql() {
		WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build()
			.get()
			.uri("/graphiql")
			.exchange()
			.expectStatus()
			.is3xxRedirection();
	}

}
