package io.daeploy.manager.system;

import java.time.Duration;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.proxy.ProxyConnector;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager serves the SPA built by the frontend module, at its root and at every route
 * a browser loads, and GraphiQL bundled by the same build; the API's paths stay the
 * API's.
 */
class SpaIntegrationTests extends ManagerIntegrationTests {

	private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

	@LocalServerPort
	int port;

	@Autowired
	ProxyConnector proxy;

	private WebTestClient client() {
		return WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
	}

	private WebTestClient dashboard() {
		return WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.proxy.dashboardPort())
			.build();
	}

	@Test
	void servesTheSpaAtTheRoot() {
		String html = page(client(), "/");
		assertThat(html).contains("<title>Daeploy</title>").contains("<div id=\"root\">");
		String script = html.replaceAll("(?s).*src=\"(/assets/[^\"]+\\.js)\".*", "$1");
		client().get().uri(script).exchange().expectStatus().isOk();
	}

	@Test
	void deepLinksLoadTheSpaEvenWithAuthenticationOnAndNoSession() {
		for (String route : new String[] { "/services/hello/1.0.0", "/deploy", "/deployments/42", "/notifications",
				"/admin/users", "/no/such/page" }) {
			assertThat(page(dashboard(), route)).as(route).contains("<div id=\"root\">");
		}
		// the shell must never be cached: its assets' names change with every build
		dashboard().get()
			.uri("/deploy")
			.header("Accept", BROWSER_ACCEPT)
			.exchange()
			.expectHeader()
			.valueEquals("Cache-Control", "no-cache");
	}

	@Test
	void theApiStaysTheApiForBrowsersToo() {
		// the original SDK's notifications: JSON for anything but a browser page load
		dashboard().get().uri("/notifications").exchange().expectStatus().isUnauthorized();
		dashboard().get()
			.uri("/notifications/")
			.header("Accept", BROWSER_ACCEPT)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		dashboard().get()
			.uri("/graphql")
			.header("Accept", BROWSER_ACCEPT)
			.exchange()
			.expectStatus()
			.value((status) -> assertThat(status).isNotEqualTo(200));
		dashboard().get()
			.uri("/healthz")
			.header("Accept", BROWSER_ACCEPT)
			.exchange()
			.expectBody(String.class)
			.isEqualTo("OK");
		dashboard().get()
			.uri("/assets/none.js")
			.header("Accept", BROWSER_ACCEPT)
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void theSignInPageIsTheSpasOnTheDashboardAndTheBuiltInFormForOthers() {
		assertThat(page(dashboard(), "/auth/login?destination=/services/x/")).contains("<div id=\"root\">");
		dashboard().get()
			.uri("/auth/login")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody(String.class)
			.value((html) -> assertThat(html).contains("Sign in"));
	}

	@Test
	void servesGraphiqlFromTheJarWithoutACdn() {
		String html = page(client(), "/graphiql");
		assertThat(html).contains("<div id=\"graphiql\">").doesNotContain("https://").doesNotContain("http://");
		String script = html.replaceAll("(?s).*src=\"(/assets/[^\"]+\\.js)\".*", "$1");
		client().get().uri(script).exchange().expectStatus().isOk();
	}

	private static String page(WebTestClient client, String path) {
		return client.get()
			.uri(path)
			.header("Accept", BROWSER_ACCEPT)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

}
