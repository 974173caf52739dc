package io.daeploy.manager.proxy.traefik;

import java.util.List;
import java.util.Map;

import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.toml.TomlMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The generated Traefik files, tested as data: each is parsed back and its routers,
 * middlewares and services checked.
 */
class TraefikConfigTests {

	private static final TomlMapper TOML = new TomlMapper();

	private static final RouteTable MAIN_ONLY = RouteTable
		.of(List.of(new Backend("model", "1.0.0", true, "http://127.0.0.1:49153")));

	private static final RouteTable WITH_SHADOWS = RouteTable
		.of(List.of(new Backend("model", "2.0.0-rc.1", false, "http://127.0.0.1:49155"),
				new Backend("model", "1.0.0", true, "http://127.0.0.1:49153"),
				new Backend("model", "1.1.0", false, "http://127.0.0.1:49154")));

	@Test
	void mainOnlyServiceGetsAMainRouteAndAVersionRouteBehindForwardAuth() {
		Map<String, String> files = config(true, false).dynamicFiles(MAIN_ONLY);
		assertThat(files).containsOnlyKeys("manager.toml", "service_model.toml", "service_model_1.0.0.toml");

		Map<String, Object> main = http(files.get("service_model.toml"));
		assertThat(at(main, "routers", "model"))
			.containsEntry("rule", "Path(`/services/model`) || PathPrefix(`/services/model/`)")
			.containsEntry("service", "model-mirror")
			.containsEntry("middlewares", List.of("daeploy-auth", "model-strip"))
			.containsEntry("entryPoints", List.of("web"));
		assertThat(at(main, "middlewares", "model-strip", "stripPrefix")).containsEntry("prefixes",
				List.of("/services/model"));
		assertThat(at(main, "services", "model-mirror", "mirroring")).containsEntry("service", "model_1.0.0")
			.containsEntry("mirrors", List.of());

		Map<String, Object> version = http(files.get("service_model_1.0.0.toml"));
		assertThat(at(version, "routers", "model_1.0.0"))
			.containsEntry("rule", "Path(`/services/model_1.0.0`) || PathPrefix(`/services/model_1.0.0/`)")
			.containsEntry("service", "model_1.0.0");
		assertThat(at(version, "services", "model_1.0.0", "loadBalancer")).containsEntry("servers",
				List.of(Map.of("url", "http://127.0.0.1:49153")));

		Map<String, Object> manager = http(files.get("manager.toml"));
		assertThat(at(manager, "middlewares", "daeploy-auth", "forwardAuth"))
			.containsEntry("address", "http://127.0.0.1:8080/auth/verify")
			.containsEntry("authResponseHeaders", List.of("X-Daeploy-User", "Authorization", "Cookie"));
		// the manager's router only says which port the request came in on
		assertThat(at(manager, "routers", "manager")).containsEntry("middlewares", List.of("daeploy-entry-services"));
		assertThat(at(manager, "routers", "dashboard")).containsEntry("entryPoints", List.of("dashboard"))
			.containsEntry("middlewares", List.of("daeploy-entry-dashboard"))
			.containsEntry("service", "manager");
		assertThat(at(manager, "middlewares", "daeploy-entry-dashboard"))
			.isEqualTo(Map.of("headers", Map.of("customRequestHeaders", Map.of("X-Daeploy-Entry", "dashboard"))));
	}

	@Test
	void shadowsGetEveryRequestMirroredWithABodyCap() {
		Map<String, String> files = config(true, false).dynamicFiles(WITH_SHADOWS);
		assertThat(files).containsKeys("service_model.toml", "service_model_1.0.0.toml", "service_model_1.1.0.toml",
				"service_model_2.0.0-rc.1.toml");
		Map<String, Object> mirroring = at(http(files.get("service_model.toml")), "services", "model-mirror",
				"mirroring");
		assertThat(mirroring).containsEntry("service", "model_1.0.0");
		assertThat(((Number) mirroring.get("maxBodySize")).longValue()).isEqualTo(1024L * 1024L);
		assertThat((List<Map<String, Object>>) mirroring.get("mirrors")).extracting((m) -> m.get("name"))
			.containsExactly("model_1.1.0", "model_2.0.0-rc.1");
		assertThat((List<Map<String, Object>>) mirroring.get("mirrors"))
			.allSatisfy((m) -> assertThat(((Number) m.get("percent")).intValue()).isEqualTo(100));
	}

	@Test
	void withAuthOffServiceRoutesOnlyStripTheirPrefix() {
		Map<String, String> files = config(false, false).dynamicFiles(WITH_SHADOWS);
		assertThat(at(http(files.get("service_model.toml")), "routers", "model")).containsEntry("middlewares",
				List.of("model-strip"));
		assertThat(at(http(files.get("service_model_1.1.0.toml")), "routers", "model_1.1.0"))
			.containsEntry("middlewares", List.of("model_1.1.0-strip"));
	}

	@Test
	void httpsRedirectsAndServesEveryRouteWithAcmeCertificates() {
		TraefikConfig https = config(true, true);
		Map<String, Object> main = http(https.dynamicFiles(MAIN_ONLY).get("service_model.toml"));
		assertThat(at(main, "routers", "model")).containsEntry("entryPoints", List.of("websecure"))
			.containsEntry("tls", Map.of("certResolver", "daeploy"));

		Map<String, Object> staticConfig = TOML.readValue(https.staticConfig("/data/proxy", "/data/access.log"),
				Map.class);
		assertThat(at(staticConfig, "entryPoints", "web")).containsEntry("address", ":5080")
			.containsEntry("http",
					Map.of("redirections", Map.of("entryPoint", Map.of("to", "websecure", "scheme", "https"))));
		assertThat(at(staticConfig, "entryPoints", "websecure")).containsEntry("address", ":5443");
		assertThat(at(staticConfig, "certificatesResolvers", "daeploy", "acme"))
			.containsEntry("email", "ops@example.org")
			.containsEntry("storage", "/data/acme.json")
			.containsEntry("caServer", "https://acme-staging-v02.api.letsencrypt.org/directory")
			.containsEntry("httpChallenge", Map.of("entryPoint", "web"));
		assertThat(at(staticConfig, "providers", "file")).containsEntry("directory", "/data/proxy")
			.containsEntry("watch", true);
		assertThat(at(staticConfig, "accessLog")).containsEntry("format", "json");

		Map<String, Object> plain = TOML.readValue(config(true, false).staticConfig("/d", "/a.log"), Map.class);
		assertThat((Map<String, Object>) plain.get("entryPoints")).containsOnlyKeys("web", "dashboard");
		assertThat(plain).doesNotContainKey("certificatesResolvers");
	}

	@Test
	void namesThatWouldBreakARuleNeverReachOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Backend("a`b", "1.0.0", true, "http://x"));
		assertThatIllegalArgumentException().isThrownBy(() -> new Backend("a b", "1.0.0", true, "http://x"));
		assertThatIllegalArgumentException().isThrownBy(() -> new Backend("ab", "1.0.0\"", true, "http://x"));
		assertThatIllegalArgumentException().isThrownBy(() -> TraefikConfig.segmentRule("/services/a`) || Path(`/"));
	}

	private static TraefikConfig config(boolean auth, boolean https) {
		return new TraefikConfig(new TraefikConfig.Settings(5080, 5443, 5081, https, auth, "http://127.0.0.1:8080",
				"ops@example.org", "/data/acme.json", true));
	}

	private static Map<String, Object> http(String toml) {
		return (Map<String, Object>) TOML.readValue(toml, Map.class).get("http");
	}

	private static Map<String, Object> at(Map<String, Object> map, String... keys) {
		Map<String, Object> current = map;
		for (String key : keys) {
			assertThat(current).as("key %s", key).containsKey(key);
			current = (Map<String, Object>) current.get(key);
		}
		return current;
	}

}
