package io.daeploy.manager.proxy.traefik;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.proxy.RouteTable.ServiceRoutes;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Renders a {@link RouteTable} as Traefik v3 file-provider configuration: a static
 * {@code traefik.toml} and one dynamic file per service name and per version, all in one
 * flat directory (the file provider does not watch subdirectories).
 */
public final class TraefikConfig {

	static final String AUTH_MIDDLEWARE = "daeploy-auth";

	static final String ENTRY_SERVICES = "daeploy-entry-services";

	static final String ENTRY_DASHBOARD = "daeploy-entry-dashboard";

	/** Bodies larger than this are not mirrored (Traefik's {@code maxBodySize}). */
	static final long MIRROR_MAX_BODY = 1024L * 1024L;

	private final TomlMapper toml = new TomlMapper();

	private final Settings settings;

	public TraefikConfig(Settings settings) {
		this.settings = settings;
	}

	/**
	 * The static configuration.
	 * @param dynamicDirectory the directory of the dynamic files
	 * @param accessLog the JSON access log Traefik writes (the manager reads per-version
	 * traffic from it)
	 * @return {@code traefik.toml}
	 */
	public String staticConfig(String dynamicDirectory, String accessLog) {
		Map<String, Object> root = new LinkedHashMap<>();
		Map<String, Object> entryPoints = new LinkedHashMap<>();
		Map<String, Object> web = new LinkedHashMap<>();
		web.put("address", ":" + this.settings.httpPort());
		if (this.settings.https()) {
			web.put("http", Map.of("redirections", Map.of("entryPoint", Map.of("to", "websecure", "scheme", "https"))));
		}
		entryPoints.put("web", web);
		// the dashboard's own origin: the manager only, never a service
		entryPoints.put("dashboard", Map.of("address", ":" + this.settings.dashboardPort()));
		if (this.settings.https()) {
			entryPoints.put("websecure", Map.of("address", ":" + this.settings.httpsPort()));
		}
		root.put("entryPoints", entryPoints);
		root.put("providers", Map.of("providersThrottleDuration", "0.5s", "file",
				Map.of("directory", dynamicDirectory, "watch", true)));
		root.put("accessLog", Map.of("filePath", accessLog, "format", "json"));
		if (this.settings.https()) {
			Map<String, Object> acme = new LinkedHashMap<>();
			acme.put("email", (this.settings.acmeEmail() != null) ? this.settings.acmeEmail() : "");
			acme.put("storage", this.settings.acmeStorage());
			acme.put("httpChallenge", Map.of("entryPoint", "web"));
			if (this.settings.acmeStaging()) {
				acme.put("caServer", "https://acme-staging-v02.api.letsencrypt.org/directory");
			}
			root.put("certificatesResolvers", Map.of("daeploy", Map.of("acme", acme)));
		}
		return this.toml.writeValueAsString(root);
	}

	/**
	 * The dynamic files: the manager's own routes, then one file per service name (its
	 * main route with mirroring) and one per version.
	 * @param table what to route
	 * @return file name to content, in a stable order
	 */
	public Map<String, String> dynamicFiles(RouteTable table) {
		Map<String, String> files = new LinkedHashMap<>();
		files.put("manager.toml", this.toml.writeValueAsString(managerConfig()));
		for (ServiceRoutes service : table.services()) {
			if (service.main() != null) {
				files.put("service_" + service.name() + ".toml", this.toml.writeValueAsString(mainConfig(service)));
			}
			for (Backend version : service.versions()) {
				files.put("service_" + version.key() + ".toml", this.toml.writeValueAsString(versionConfig(version)));
			}
		}
		return files;
	}

	private Map<String, Object> managerConfig() {
		Map<String, Object> routers = new LinkedHashMap<>();
		routers.put("manager", router("PathPrefix(`/`)", "manager", List.of(ENTRY_SERVICES), 1));
		Map<String, Object> dashboard = new LinkedHashMap<>();
		dashboard.put("rule", "PathPrefix(`/`)");
		dashboard.put("service", "manager");
		dashboard.put("entryPoints", List.of("dashboard"));
		dashboard.put("middlewares", List.of(ENTRY_DASHBOARD));
		if (this.settings.https()) {
			dashboard.put("tls", Map.of("certResolver", "daeploy"));
		}
		routers.put("dashboard", dashboard);
		Map<String, Object> middlewares = new LinkedHashMap<>();
		// tells the manager which port a request came in on; a client's value is replaced
		middlewares.put(ENTRY_SERVICES,
				Map.of("headers", Map.of("customRequestHeaders", Map.of("X-Daeploy-Entry", "services"))));
		middlewares.put(ENTRY_DASHBOARD,
				Map.of("headers", Map.of("customRequestHeaders", Map.of("X-Daeploy-Entry", "dashboard"))));
		Map<String, Object> forwardAuth = new LinkedHashMap<>();
		forwardAuth.put("address", this.settings.managerUrl() + "/auth/verify");
		forwardAuth.put("trustForwardHeader", true);
		// Traefik replaces each of these request headers with the auth answer's (or drops
		// it when the answer has none): /auth/verify answers Authorization and Cookie
		// without the manager's credentials, so services never receive them
		forwardAuth.put("authResponseHeaders", List.of("X-Daeploy-User", "Authorization", "Cookie"));
		middlewares.put(AUTH_MIDDLEWARE, Map.of("forwardAuth", forwardAuth));
		Map<String, Object> services = Map.of("manager",
				Map.of("loadBalancer", Map.of("servers", List.of(Map.of("url", this.settings.managerUrl())))));
		return Map.of("http", Map.of("routers", routers, "middlewares", middlewares, "services", services));
	}

	private Map<String, Object> mainConfig(ServiceRoutes service) {
		String name = service.name();
		Map<String, Object> mirroring = new LinkedHashMap<>();
		mirroring.put("service", service.main().key());
		mirroring.put("maxBodySize", MIRROR_MAX_BODY);
		List<Map<String, Object>> mirrors = new ArrayList<>();
		for (Backend shadow : service.shadows()) {
			mirrors.add(Map.of("name", shadow.key(), "percent", 100));
		}
		mirroring.put("mirrors", mirrors);
		return Map.of("http", Map.of("routers",
				Map.of(name, router(segmentRule(service.prefix()), name + "-mirror", middlewares(name + "-strip"), 0)),
				"middlewares", Map.of(name + "-strip", strip(service.prefix())), "services",
				Map.of(name + "-mirror", Map.of("mirroring", mirroring))));
	}

	private Map<String, Object> versionConfig(Backend version) {
		String key = version.key();
		return Map.of("http",
				Map.of("routers",
						Map.of(key, router(segmentRule(version.prefix()), key, middlewares(key + "-strip"), 0)),
						"middlewares", Map.of(key + "-strip", strip(version.prefix())), "services",
						Map.of(key, Map.of("loadBalancer", Map.of("servers", List.of(Map.of("url", version.url())))))));
	}

	private Map<String, Object> router(String rule, String service, List<String> middlewares, int priority) {
		Map<String, Object> router = new LinkedHashMap<>();
		router.put("rule", rule);
		router.put("service", service);
		router.put("entryPoints", List.of(this.settings.https() ? "websecure" : "web"));
		if (!middlewares.isEmpty()) {
			router.put("middlewares", middlewares);
		}
		if (priority > 0) {
			router.put("priority", priority);
		}
		if (this.settings.https()) {
			router.put("tls", Map.of("certResolver", "daeploy"));
		}
		return router;
	}

	private List<String> middlewares(String strip) {
		return this.settings.authEnabled() ? List.of(AUTH_MIDDLEWARE, strip) : List.of(strip);
	}

	private static Map<String, Object> strip(String prefix) {
		return Map.of("stripPrefix", Map.of("prefixes", List.of(prefix)));
	}

	/**
	 * Matches the prefix on a path-segment boundary: {@code /services/foo} and
	 * {@code /services/foo/...}, never {@code /services/foobar}.
	 */
	static String segmentRule(String prefix) {
		if (prefix.contains("`") || prefix.contains("\"") || prefix.contains(" ")) {
			throw new IllegalArgumentException("Refusing to put " + prefix + " in a Traefik rule");
		}
		return "Path(`" + prefix + "`) || PathPrefix(`" + prefix + "/`)";
	}

	/**
	 * Settings the Traefik files depend on.
	 *
	 * @param httpPort the {@code web} entry point's port
	 * @param httpsPort the {@code websecure} entry point's port
	 * @param dashboardPort the {@code dashboard} entry point's port
	 * @param https whether HTTPS is served (HTTP redirects to it; ACME certificates)
	 * @param authEnabled whether service routes go through forward auth
	 * @param managerUrl the manager's own server, e.g. {@code http://127.0.0.1:8080}
	 * @param acmeEmail the ACME account e-mail, or {@code null}
	 * @param acmeStorage the ACME storage file
	 * @param acmeStaging whether to use Let's Encrypt's staging CA
	 */
	public record Settings(int httpPort, int httpsPort, int dashboardPort, boolean https, boolean authEnabled,
			String managerUrl, String acmeEmail, String acmeStorage, boolean acmeStaging) {
	}

}
