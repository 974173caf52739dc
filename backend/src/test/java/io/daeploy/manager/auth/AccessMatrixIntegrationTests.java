package io.daeploy.manager.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.daeploy.manager.GraphQlWebSocket;
import io.daeploy.manager.ManagerIntegrationTests;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tries every field of the schema, found by introspection, as every kind of caller, and
 * checks who is let through. A field added to the schema without an entry here fails the
 * test, so every new field gets an access decision.
 */
class AccessMatrixIntegrationTests extends ManagerIntegrationTests {

	enum Identity {

		ANONYMOUS, EXPIRED, REVOKED, TAMPERED, ALG_NONE, USER, SERVICE, ADMIN

	}

	private static final Set<Identity> PUBLIC = EnumSet.of(Identity.ANONYMOUS, Identity.USER, Identity.SERVICE,
			Identity.ADMIN);

	private static final Set<Identity> USERS = EnumSet.of(Identity.USER, Identity.ADMIN);

	private static final Set<Identity> ADMIN = EnumSet.of(Identity.ADMIN);

	/** Who may call each field; every other identity must be refused. */
	private static final Map<String, Set<Identity>> EXPECTED = Map.ofEntries(Map.entry("Query.manager", PUBLIC),
			Map.entry("Query.me", PUBLIC), Map.entry("Query.runtime", USERS), Map.entry("Query.services", USERS),
			Map.entry("Query.service", USERS), Map.entry("Query.users", ADMIN), Map.entry("Query.tokens", USERS),
			Map.entry("Query.auditLog", ADMIN), Map.entry("Mutation.login", PUBLIC),
			Map.entry("Mutation.logout", USERS), Map.entry("Mutation.changePassword", USERS),
			Map.entry("Mutation.createUser", ADMIN), Map.entry("Mutation.setUserPassword", ADMIN),
			Map.entry("Mutation.deleteUser", ADMIN), Map.entry("Mutation.createToken", USERS),
			Map.entry("Mutation.revokeToken", USERS), Map.entry("Mutation.deployService", USERS),
			Map.entry("Mutation.killService", USERS), Map.entry("Mutation.assignMainVersion", USERS),
			Map.entry("Query.serviceLogs", USERS), Map.entry("Query.managerLogs", ADMIN),
			Map.entry("Subscription.serviceLogs", USERS), Map.entry("Subscription.managerLogs", ADMIN),
			Map.entry("Subscription.serviceLogBatches", USERS), Map.entry("Subscription.managerLogBatches", ADMIN),
			Map.entry("Subscription.notifications", USERS), Map.entry("Subscription.serviceEvents", USERS),
			Map.entry("Query.notifications", USERS),
			Map.entry("Mutation.raiseNotification", EnumSet.of(Identity.USER, Identity.SERVICE, Identity.ADMIN)),
			Map.entry("Mutation.deleteNotification", USERS), Map.entry("Query.backups", ADMIN),
			Map.entry("Mutation.backupNow", ADMIN), Map.entry("Mutation.clearNotifications", USERS),
			Map.entry("Query.deployment", USERS), Map.entry("Query.deployments", USERS),
			Map.entry("Mutation.cancelDeployment", USERS), Map.entry("Mutation.stopService", USERS),
			Map.entry("Mutation.startService", USERS), Map.entry("Mutation.restartService", USERS),
			Map.entry("Subscription.deploymentEvents", USERS), Map.entry("Query.licence", USERS),
			Map.entry("Mutation.activateLicence", ADMIN));

	private static final String INTROSPECTION = """
			{ __schema {
			    queryType { name } mutationType { name } subscriptionType { name }
			    types { name kind enumValues { name }
			      fields { name type { ...T } args { name type { ...T } } }
			      inputFields { name type { ...T } } } } }
			fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
			""";

	@LocalServerPort
	int port;

	@Autowired
	TokenService tokens;

	@Autowired
	JwtEncoder encoder;

	private Map<String, Map<String, Object>> types;

	@Test
	void everyFieldAdmitsExactlyTheExpectedCallers() {
		this.graphQl
			.document("mutation { createUser(input: {username: \"matrix_user\", password: "
					+ "\"matrix-password\"}) { user { username } } }")
			.executeAndVerify();
		Map<String, Object> schema = this.anonymous.document(INTROSPECTION)
			.execute()
			.path("__schema")
			.entity(Map.class)
			.get();
		this.types = new LinkedHashMap<>();
		for (Object type : (List<?>) schema.get("types")) {
			this.types.put((String) ((Map<?, ?>) type).get("name"), (Map<String, Object>) type);
		}
		Map<String, String> documents = new TreeMap<>();
		for (String root : List.of("Query", "Mutation", "Subscription")) {
			for (Object field : (List<?>) this.types.get(root).get("fields")) {
				Map<String, Object> f = (Map<String, Object>) field;
				documents.put(root + "." + f.get("name"), document(root, f));
			}
		}
		assertThat(new TreeSet<>(EXPECTED.keySet())).as("fields with an access decision").isEqualTo(documents.keySet());

		Map<String, Set<Identity>> actual = new TreeMap<>();
		List<String> mismatches = new ArrayList<>();
		documents.forEach((field, document) -> {
			Set<Identity> allowed = EnumSet.noneOf(Identity.class);
			for (Identity identity : Identity.values()) {
				boolean admitted = field.startsWith("Subscription.") ? admittedOverWebSocket(token(identity), document)
						: admitted(token(identity), document);
				if (admitted) {
					allowed.add(identity);
				}
			}
			actual.put(field, allowed);
			if (!allowed.equals(EXPECTED.get(field))) {
				mismatches.add(field + " expected " + EXPECTED.get(field) + " but admitted " + allowed);
			}
		});
		assertThat(mismatches).as("access matrix %s", actual).isEmpty();
	}

	/**
	 * Subscriptions run over WebSocket: the token goes in {@code connection_init}, and a
	 * refused one closes the socket (4401) before anything can be subscribed.
	 */
	private boolean admittedOverWebSocket(String token, String document) {
		GraphQlWebSocket socket;
		try {
			socket = GraphQlWebSocket.connect(URI.create("ws://127.0.0.1:" + this.port + "/graphql"), token);
		}
		catch (AssertionError ex) {
			return false;
		}
		try (socket) {
			socket.subscribe("1", document);
			// a refusal comes at once; an admitted subscription may stay quiet (nothing
			// to send yet)
			String answer = socket.poll(Duration.ofSeconds(3));
			while (answer != null && !answer.contains("\"id\":\"1\"")) {
				answer = socket.poll(Duration.ofSeconds(3));
			}
			if (answer == null || !answer.contains("\"type\":\"error\"")) {
				return true;
			}
			assertThat(answer).as(document).doesNotContain("ValidationError").doesNotContain("\"INTERNAL\"");
			return !answer.contains("\"UNAUTHENTICATED\"") && !answer.contains("\"FORBIDDEN\"");
		}
	}

	private boolean admitted(String token, String document) {
		WebTestClient.RequestBodySpec request = WebTestClient.bindToServer()
			.responseTimeout(Duration.ofSeconds(30))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build()
			.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON);
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		EntityExchangeResult<Map> result = request.bodyValue(Map.of("query", document))
			.exchange()
			.expectBody(Map.class)
			.returnResult();
		if (result.getStatus().value() == 401 || result.getStatus().value() == 403) {
			return false;
		}
		assertThat(result.getStatus().value()).as(document).isEqualTo(200);
		List<Map<String, Object>> errors = (List<Map<String, Object>>) result.getResponseBody().get("errors");
		if (errors == null) {
			return true;
		}
		for (Map<String, Object> error : errors) {
			Map<?, ?> extensions = (Map<?, ?>) error.get("extensions");
			Object code = extensions.get("code");
			// the generated document itself must be valid, and nothing may fail inside
			assertThat(extensions.get("classification")).as("%s answered %s", document, error)
				.isNotEqualTo("ValidationError");
			assertThat(code).as("%s answered %s", document, error).isNotEqualTo("INTERNAL");
			if ("UNAUTHENTICATED".equals(code) || "FORBIDDEN".equals(code)) {
				return false;
			}
		}
		return true;
	}

	private String token(Identity identity) {
		return switch (identity) {
			case ANONYMOUS -> null;
			case USER -> login("matrix_user", "matrix-password");
			case ADMIN -> login("admin", ADMIN_PASSWORD);
			case SERVICE -> this.tokens.issueServiceToken("matrix", "1.0.0").block().token();
			case REVOKED -> {
				String token = this.graphQl
					.document("mutation { createToken(input: {name: \"soon revoked\"}) { token apiToken { id } } }")
					.execute()
					.path("createToken")
					.entity(Map.class)
					.get()
					.get("token")
					.toString();
				String id = this.withToken(token)
					.document("{ me { name } }")
					.execute()
					.path("me.name")
					.entity(String.class)
					.get();
				assertThat(id).isEqualTo("admin");
				this.graphQl.document("{ tokens { id name } }")
					.execute()
					.path("tokens")
					.entityList(Map.class)
					.get()
					.stream()
					.filter((t) -> "soon revoked".equals(t.get("name")))
					.forEach((t) -> this.graphQl
						.document("mutation { revokeToken(input: {id: \"" + t.get("id") + "\"}) { id } }")
						.executeAndVerify());
				yield token;
			}
			case EXPIRED -> sign(this.encoder, activeAdminClaims().expiresAt(Instant.now().minusSeconds(60)).build());
			case TAMPERED -> {
				byte[] otherKey = new byte[32];
				new java.security.SecureRandom().nextBytes(otherKey);
				yield sign(new NimbusJwtEncoder(new ImmutableSecret<>(new SecretKeySpec(otherKey, "HmacSHA256"))),
						activeAdminClaims().build());
			}
			case ALG_NONE -> {
				String real = sign(this.encoder, activeAdminClaims().build());
				String header = Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
				yield header + "." + real.split("\\.")[1] + ".";
			}
		};
	}

	/** Claims of the admin's real, active session, so only the tampering is wrong. */
	private JwtClaimsSet.Builder activeAdminClaims() {
		String session = login("admin", ADMIN_PASSWORD);
		String payload = new String(Base64.getUrlDecoder().decode(session.split("\\.")[1]), StandardCharsets.UTF_8);
		String jti = payload.replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
		return JwtClaimsSet.builder()
			.id(jti)
			.subject("admin")
			.issuedAt(Instant.now().minusSeconds(120))
			.claim("role", "ADMIN")
			.claim("kind", "SESSION");
	}

	private static String sign(JwtEncoder encoder, JwtClaimsSet claims) {
		return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

	private String document(String root, Map<String, Object> field) {
		StringBuilder document = new StringBuilder(
				root.equals("Mutation") ? "mutation { " : root.equals("Subscription") ? "subscription { " : "{ ");
		document.append(field.get("name"));
		List<?> args = (List<?>) field.get("args");
		List<String> literals = new ArrayList<>();
		for (Object arg : args) {
			Map<String, Object> a = (Map<String, Object>) arg;
			Map<String, Object> type = (Map<String, Object>) a.get("type");
			if ("NON_NULL".equals(type.get("kind"))) {
				literals.add(a.get("name") + ": " + literal((Map<String, Object>) type.get("ofType")));
			}
		}
		if (!literals.isEmpty()) {
			document.append("(").append(String.join(", ", literals)).append(")");
		}
		if (isObject((Map<String, Object>) field.get("type"))) {
			document.append(" { __typename }");
		}
		return document.append(" }").toString();
	}

	private boolean isObject(Map<String, Object> type) {
		while (type.get("ofType") != null) {
			type = (Map<String, Object>) type.get("ofType");
		}
		return "OBJECT".equals(type.get("kind"));
	}

	private String literal(Map<String, Object> type) {
		switch ((String) type.get("kind")) {
			case "NON_NULL":
				return literal((Map<String, Object>) type.get("ofType"));
			case "LIST":
				return "[" + literal((Map<String, Object>) type.get("ofType")) + "]";
			case "ENUM":
				return (String) ((Map<?, ?>) ((List<?>) this.types.get(type.get("name")).get("enumValues")).get(0))
					.get("name");
			case "INPUT_OBJECT":
				return "{" + ((List<?>) this.types.get(type.get("name")).get("inputFields")).stream()
					.map((f) -> (Map<String, Object>) f)
					.filter((f) -> "NON_NULL".equals(((Map<?, ?>) f.get("type")).get("kind")))
					.map((f) -> f.get("name") + ": " + literal((Map<String, Object>) f.get("type")))
					.collect(Collectors.joining(", ")) + "}";
			default:
				return switch ((String) type.get("name")) {
					case "Int" -> "1";
					case "Float" -> "1.5";
					case "Boolean" -> "false";
					case "ID" -> "\"" + UUID.randomUUID() + "\"";
					case "DateTime" -> "\"2026-01-01T00:00:00Z\"";
					default -> "\"x\"";
				};
		}
	}

}
