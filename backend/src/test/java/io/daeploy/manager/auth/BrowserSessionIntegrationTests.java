package io.daeploy.manager.auth;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.proxy.ProxyConnector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one browser session, tried the way browsers send requests (their {@code Origin},
 * {@code Sec-Fetch-Site} and cookies, written out here; the Chromium tests do the same
 * with a real browser): it works on the dashboard's origin, for requests the dashboard
 * makes, and nowhere else, so no service's page can ride it; and it ends everywhere at
 * once, open WebSockets included.
 */
class BrowserSessionIntegrationTests extends ManagerIntegrationTests {

	private static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);

	private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

	@Autowired
	ProxyConnector proxy;

	private String dashboard;

	private String services;

	@BeforeEach
	void origins() {
		this.dashboard = "http://127.0.0.1:" + this.proxy.dashboardPort();
		this.services = "http://127.0.0.1:" + this.proxy.httpPort();
	}

	@Test
	void aSignInOnTheDashboardSetsAnHttpOnlyCookieThatTheDashboardCanUse() throws Exception {
		HttpResponse<String> signIn = signIn(this.dashboard, this.dashboard);
		assertThat(signIn.statusCode()).isEqualTo(200);
		assertThat(signIn.body()).contains("\"username\":\"admin\"").doesNotContain("eyJ");
		String setCookie = signIn.headers().firstValue("set-cookie").orElseThrow();
		assertThat(setCookie).startsWith("daeploy=")
			.containsIgnoringCase("HttpOnly")
			.contains("SameSite=Lax")
			.contains("Path=/");
		String cookie = setCookie.substring(0, setCookie.indexOf(';'));

		assertThat(me(this.dashboard, cookie, this.dashboard, "same-origin")).isEqualTo("admin");
	}

	@Test
	void theCookieIsWorthNothingAnywhereButTheDashboardsOwnRequests() throws Exception {
		String cookie = cookieOf(signIn(this.dashboard, this.dashboard));
		// a service's page (the services' origin) asking the dashboard's port
		assertThat(me(this.dashboard, cookie, this.services, "same-site")).isNull();
		// an origin that is not the request's own, even without Sec-Fetch-Site
		assertThat(me(this.dashboard, cookie, "http://evil.example", null)).isNull();
		// a page of the services' own origin asking its own port: no session there
		assertThat(me(this.services, cookie, this.services, "same-origin")).isNull();
		// a sandboxed or privacy-stripped page
		assertThat(me(this.dashboard, cookie, "null", "cross-site")).isNull();
	}

	@Test
	void signingInHappensOnTheDashboardsOwnPageOnly() throws Exception {
		// the sign-in page asked for on the services' origin is sent to the dashboard's
		HttpResponse<String> page = this.http
			.send(HttpRequest.newBuilder(URI.create(this.services + "/auth/login?destination=%2Fservices%2Fx%2F"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(303);
		assertThat(page.headers().firstValue("location"))
			.hasValue(this.dashboard + "/auth/login?destination=/services/x/");
		// a sign-in posted from the services' origin, or to its port, is refused
		assertThat(signIn(this.dashboard, this.services).statusCode()).isEqualTo(403);
		assertThat(signIn(this.services, this.services).statusCode()).isEqualTo(403);
		// the page itself sends its origin with the form
		HttpResponse<String> own = this.http.send(
				HttpRequest.newBuilder(URI.create(this.dashboard + "/auth/login")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(own.headers().firstValue("referrer-policy")).hasValue("same-origin");
		assertThat(own.headers().firstValue("x-frame-options")).hasValue("DENY");
	}

	@Test
	void aFormSignInGoesBackToTheServiceItCameFromButNeverElsewhere() throws Exception {
		String back = this.services + "/services/model/predict?x=1";
		HttpResponse<String> toService = formSignIn(back);
		assertThat(toService.statusCode()).isEqualTo(303);
		assertThat(toService.headers().firstValue("location")).hasValue(back);
		for (String elsewhere : new String[] { "https://evil.example/", "//evil.example/", "javascript:alert(1)",
				"http://127.0.0.1:1/", "http://user@127.0.0.1:" + this.proxy.httpPort() + "/" }) {
			assertThat(formSignIn(elsewhere).headers().firstValue("location")).as(elsewhere).hasValue("/");
		}
	}

	@Test
	void signingOutIsAPostThatEndsTheSessionAndItsOpenSockets() throws Exception {
		String cookie = cookieOf(signIn(this.dashboard, this.dashboard));
		HttpHeaders handshake = new HttpHeaders();
		handshake.add(HttpHeaders.COOKIE, cookie);
		handshake.setOrigin(this.dashboard);
		try (GraphQlWebSocket socket = GraphQlWebSocket.open(ws(this.dashboard), handshake)) {
			socket.await((m) -> m.contains("connection_ack"), Duration.ofSeconds(10));
			socket.subscribe("1", "subscription { notifications { id } }");

			assertThat(this.http
				.send(HttpRequest.newBuilder(URI.create(this.dashboard + "/auth/logout")).build(),
						HttpResponse.BodyHandlers.ofString())
				.statusCode()).as("GET does not sign out").isEqualTo(405);
			HttpResponse<String> out = this.http
				.send(HttpRequest.newBuilder(URI.create(this.dashboard + "/auth/logout"))
					.header("Cookie", cookie)
					.header("Origin", this.dashboard)
					.header("Sec-Fetch-Site", "same-origin")
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(out.statusCode()).isEqualTo(204);
			assertThat(out.headers().firstValue("set-cookie"))
				.hasValueSatisfying((c) -> assertThat(c).contains("Max-Age=0"));

			CloseStatus closed = socket.closeStatus(CLOSE_WITHIN);
			assertThat(closed).isNotNull();
			assertThat(closed.getCode()).isEqualTo(4401);
		}
		assertThat(me(this.dashboard, cookie, this.dashboard, "same-origin")).isNull();
	}

	@Test
	void aWebSocketTakesTheSessionOnlyFromTheDashboardsOwnOrigin() throws Exception {
		String cookie = cookieOf(signIn(this.dashboard, this.dashboard));
		// (Netty's client always sends an Origin, so "none at all" is proven in
		// BrowserSessionTests)
		for (String[] attempt : new String[][] { { this.dashboard, this.services },
				{ this.dashboard, "http://evil.example" }, { this.services, this.services } }) {
			HttpHeaders handshake = new HttpHeaders();
			handshake.add(HttpHeaders.COOKIE, cookie);
			if (attempt[1] != null) {
				handshake.setOrigin(attempt[1]);
			}
			try (GraphQlWebSocket socket = GraphQlWebSocket.open(ws(attempt[0]), handshake)) {
				// refused at the handshake (a foreign origin) or at connection_init
				CloseStatus closed = socket.closeStatus(Duration.ofSeconds(10));
				assertThat(closed).as("%s from %s", attempt[0], attempt[1]).isNotNull();
				assertThat(closed.getCode()).isIn(4401, GraphQlWebSocket.HANDSHAKE_REFUSED);
			}
		}
	}

	@Test
	void revokingATokenOrDeletingAUserClosesTheirSocketsWithinSeconds() throws Exception {
		this.graphQl
			.document("mutation { createUser(input: {username: \"leaving\", password: \"leaving-password\"}) "
					+ "{ user { username } } }")
			.executeAndVerify();
		String session = login("leaving", "leaving-password");
		Map<String, Object> created = withToken(session)
			.document("mutation { createToken(input: {name: \"ci\"}) { token apiToken { id } } }")
			.execute()
			.path("createToken")
			.entity(Map.class)
			.get();
		String apiToken = (String) created.get("token");
		String apiTokenId = (String) ((Map<?, ?>) created.get("apiToken")).get("id");
		try (GraphQlWebSocket byApiToken = GraphQlWebSocket.connect(ws(this.dashboard), apiToken);
				GraphQlWebSocket bySession = GraphQlWebSocket.connect(ws(this.services), session)) {
			withToken(session).document("mutation($id: ID!) { revokeToken(input: {id: $id}) { id } }")
				.variable("id", apiTokenId)
				.executeAndVerify();
			assertThat(byApiToken.closeStatus(CLOSE_WITHIN)).extracting(CloseStatus::getCode).isEqualTo(4401);

			this.graphQl.document("mutation { deleteUser(input: {username: \"leaving\"}) { username } }")
				.executeAndVerify();
			assertThat(bySession.closeStatus(CLOSE_WITHIN)).extracting(CloseStatus::getCode).isEqualTo(4401);
		}
	}

	@Test
	void aRefusedTokenIsToldWhy() throws Exception {
		String session = login("admin", ADMIN_PASSWORD);
		withToken(session).document("mutation { logout { revoked } }").executeAndVerify();
		HttpResponse<String> refused = this.http.send(HttpRequest.newBuilder(URI.create(this.services + "/graphql"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + session)
			.POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ manager { version } }\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.body()).contains("\"code\":\"UNAUTHENTICATED\"").contains("\"reason\":\"revoked\"");
		HttpResponse<String> garbage = this.http.send(HttpRequest.newBuilder(URI.create(this.services + "/graphql"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer not.a.token")
			.POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ manager { version } }\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(garbage.statusCode()).isEqualTo(401);
		assertThat(garbage.body()).contains("\"code\":\"UNAUTHENTICATED\"").contains("\"reason\":\"malformed\"");
	}

	@Test
	void aSignInBodyThatIsNoObjectIsAClearRefusal() throws Exception {
		// found by the hostile suite (seed 1483338376296991738): the body `null` got 500
		for (String body : new String[] { "null", "[]", "\"admin\"", "7", "{\"username\":", "" }) {
			HttpResponse<String> answer = this.http
				.send(HttpRequest.newBuilder(URI.create(this.dashboard + "/auth/login"))
					.header("Content-Type", "application/json")
					.header("Origin", this.dashboard)
					.header("Sec-Fetch-Site", "same-origin")
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).as("status for body %s: %s", body, answer.body()).isIn(400, 401);
			assertThat(answer.body()).as("body %s", body).contains("\"code\":");
			if (!body.isEmpty()) {
				assertThat(answer.statusCode()).as("status for body %s", body).isEqualTo(400);
				assertThat(answer.body()).contains("\"code\":\"INVALID_INPUT\"");
			}
		}
		// and a good sign-in still works
		assertThat(signIn(this.dashboard, this.dashboard).statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> signIn(String to, String origin) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(to + "/auth/login"))
			.header("Content-Type", "application/json")
			.header("Origin", origin)
			.header("Sec-Fetch-Site", origin.equals(to) ? "same-origin" : "same-site")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> formSignIn(String destination) throws Exception {
		String form = "username=admin&password=" + URLEncoder.encode(ADMIN_PASSWORD, StandardCharsets.UTF_8)
				+ "&destination=" + URLEncoder.encode(destination, StandardCharsets.UTF_8);
		return this.http.send(HttpRequest.newBuilder(URI.create(this.dashboard + "/auth/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Origin", this.dashboard)
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String cookieOf(HttpResponse<String> signIn) {
		String setCookie = signIn.headers().firstValue("set-cookie").orElseThrow();
		return setCookie.substring(0, setCookie.indexOf(';'));
	}

	/**
	 * Who a request with the cookie is, asked as a browser would with these headers.
	 */
	private String me(String to, String cookie, String origin, String site) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(to + "/graphql"))
			.header("Content-Type", "application/json")
			.header("Cookie", cookie)
			.POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ me { name } }\"}"));
		if (origin != null) {
			request.header("Origin", origin);
		}
		if (site != null) {
			request.header("Sec-Fetch-Site", site);
		}
		HttpResponse<String> answer = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() == 403) {
			// a cross-origin request the manager's CORS rules refuse outright
			return null;
		}
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return answer.body().contains("\"me\":null") ? null
				: answer.body().replaceAll(".*\"name\":\"([^\"]*)\".*", "$1").strip();
	}

	private static URI ws(String origin) {
		return URI.create(origin.replace("http://", "ws://") + "/graphql");
	}

}
