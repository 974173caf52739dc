package io.daeploy.manager.auth;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.daeploy.manager.TestManagers;
import io.daeploy.manager.proxy.ProxyConnector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auth across restarts, login throttling, WebSocket authentication and auth switched off,
 * each on a manager of its own.
 */
class AuthLifecycleIntegrationTests {

	private final List<ConfigurableApplicationContext> managers = new ArrayList<>();

	@AfterEach
	void stop() {
		this.managers.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void tokensStayValidAcrossRestarts() throws Exception {
		Path dataDir = Files.createTempDirectory("daeploy-auth-restart-");
		ConfigurableApplicationContext first = start(dataDir);
		HttpGraphQlTester anonymous = graphQl(first, null);
		String session = login(anonymous, "admin", "first-admin-pw");
		String apiToken = graphQl(first, session)
			.document("mutation { createToken(input: {name: \"long-lived\"}) { token } }")
			.execute()
			.path("createToken.token")
			.entity(String.class)
			.get();
		first.close();

		ConfigurableApplicationContext second = start(dataDir);
		for (String token : List.of(session, apiToken)) {
			graphQl(second, token).document("{ me { name } }")
				.execute()
				.path("me.name")
				.entity(String.class)
				.isEqualTo("admin");
		}
	}

	@Test
	void repeatedFailedLoginsAreRefusedForAWhile() throws Exception {
		ConfigurableApplicationContext manager = start(Files.createTempDirectory("daeploy-throttle-"),
				"--daeploy.auth.login-max-failures=3", "--daeploy.auth.login-lockout=1s");
		HttpGraphQlTester anonymous = graphQl(manager, null);
		for (int i = 0; i < 3; i++) {
			assertThat(loginCode(anonymous, "wrong-password")).isEqualTo("INVALID_CREDENTIALS");
		}
		// locked now: even the right password is refused, with a hint when to retry
		anonymous.document("mutation { login(input: {username: \"admin\", password: \"first-admin-pw\"}) { token } }")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
				assertThat(error.getExtensions()).containsEntry("code", "TOO_MANY_ATTEMPTS");
				assertThat(((Number) error.getExtensions().get("retryAfterSeconds")).intValue()).isBetween(1, 2);
			}));
		Awaitility.await("the lockout to pass")
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> loginCode(anonymous, "first-admin-pw"), "OK"::equals);
	}

	@Test
	void webSocketsAuthenticateInConnectionInit() throws Exception {
		ConfigurableApplicationContext manager = start(Files.createTempDirectory("daeploy-ws-"));
		String session = login(graphQl(manager, null), "admin", "first-admin-pw");
		// directly, and through the embedded proxy, which must pass the upgrade and the
		// close status
		int proxyPort = manager.getBean(ProxyConnector.class).httpPort();
		for (URI uri : List.of(URI.create("ws://127.0.0.1:" + port(manager) + "/graphql"),
				URI.create("ws://127.0.0.1:" + proxyPort + "/graphql"))) {
			assertThat(connect(uri, "{\"type\":\"connection_init\"}", null).closeStatus).as(uri.toString())
				.extracting(CloseStatus::getCode)
				.isEqualTo(4401);
			assertThat(connect(uri, "{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer forged\"}}",
					null).closeStatus)
				.as(uri.toString())
				.extracting(CloseStatus::getCode)
				.isEqualTo(4401);
			Exchange accepted = connect(uri,
					"{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + session + "\"}}",
					"{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"{ me { name role } }\"}}");
			assertThat(accepted.messages).as(uri.toString())
				.anySatisfy((m) -> assertThat(m).contains("connection_ack"))
				.anySatisfy((m) -> assertThat(m).contains("\"me\":{\"name\":\"admin\",\"role\":\"ADMIN\"}"));
		}
	}

	@Test
	void authOffOpensServicesButNotUserAdministration() throws Exception {
		ConfigurableApplicationContext manager = start(Files.createTempDirectory("daeploy-authoff-"),
				"--daeploy.auth.enabled=false");
		HttpGraphQlTester anonymous = graphQl(manager, null);
		anonymous.document("{ services { name } runtime { kind } }").executeAndVerify();
		anonymous.document("{ users { username } }")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((e) -> assertThat(e.getExtensions()).containsEntry("code", "UNAUTHENTICATED")));
		WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + port(manager))
			.build()
			.get()
			.uri("/auth/verify")
			.exchange()
			.expectStatus()
			.isOk();
		String admin = login(anonymous, "admin", "first-admin-pw");
		graphQl(manager, admin).document("{ users { username } }").executeAndVerify();
	}

	private Exchange connect(URI uri, String init, String then) {
		Exchange exchange = new Exchange();
		Sinks.One<CloseStatus> closed = Sinks.one();
		new ReactorNettyWebSocketClient().execute(uri, (session) -> {
			session.closeStatus().subscribe((status) -> closed.tryEmitValue(status));
			Mono<Void> send = session.send(Mono.just(session.textMessage(init))
				.concatWith((then != null) ? Mono.delay(Duration.ofMillis(300)).map((t) -> session.textMessage(then))
						: Mono.empty()));
			Mono<Void> receive = session.receive()
				.map((message) -> message.getPayloadAsText())
				.doOnNext(exchange.messages::add)
				.takeUntil((text) -> text.contains("\"complete\""))
				.then();
			return Mono.when(send, receive).then(session.close());
		}).onErrorComplete().block(Duration.ofSeconds(10));
		exchange.closeStatus = closed.asMono().block(Duration.ofSeconds(5));
		return exchange;
	}

	private static final class Exchange {

		final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();

		CloseStatus closeStatus;

	}

	private static String loginCode(HttpGraphQlTester anonymous, String password) {
		List<String> codes = new ArrayList<>();
		anonymous.document("mutation($p: String!) { login(input: {username: \"admin\", password: $p}) { token } }")
			.variable("p", password)
			.execute()
			.errors()
			.satisfy((errors) -> errors.forEach((e) -> codes.add(String.valueOf(e.getExtensions().get("code")))));
		return codes.isEmpty() ? "OK" : codes.get(0);
	}

	private static String login(HttpGraphQlTester anonymous, String user, String password) {
		return anonymous
			.document("mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }")
			.variable("u", user)
			.variable("p", password)
			.execute()
			.path("login.token")
			.entity(String.class)
			.get();
	}

	private ConfigurableApplicationContext start(Path dataDir, String... extra) {
		List<String> args = new ArrayList<>(List.of("--daeploy.data-dir=" + dataDir,
				"--daeploy.instance=test-" + UUID.randomUUID().toString().substring(0, 8),
				"--daeploy.admin-password=first-admin-pw"));
		args.addAll(List.of(extra));
		ConfigurableApplicationContext manager = TestManagers.start(args.toArray(String[]::new));
		this.managers.add(manager);
		return manager;
	}

	private static String port(ConfigurableApplicationContext manager) {
		return TestManagers.port(manager);
	}

	private static HttpGraphQlTester graphQl(ConfigurableApplicationContext manager, String token) {
		return TestManagers.graphQl(manager, token);
	}

}
