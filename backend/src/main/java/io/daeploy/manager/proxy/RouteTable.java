package io.daeploy.manager.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the proxy routes, computed from the stored services: for each service name, its
 * main version (which answers {@code /services/<name>/...}), its shadows (which get a
 * mirrored copy of each of those requests) and every version's own route
 * ({@code /services/<name>_<version>/...}). Pure data: both proxy renderers (Traefik's
 * files and the embedded proxy) read the same table.
 *
 * @param services the routed services, by name
 */
public record RouteTable(List<ServiceRoutes> services) {

	/** What may appear in a name or version that reaches a proxy rule. */
	private static final Pattern SAFE = Pattern.compile("[a-z0-9_.\\-A-Z]+");

	public RouteTable {
		services = List.copyOf(services);
	}

	/**
	 * Builds the table from the deployed versions that have a backend address.
	 * @param versions the deployed versions, any order
	 * @return the table, services ordered by name
	 */
	public static RouteTable of(List<Backend> versions) {
		Map<String, List<Backend>> byName = new LinkedHashMap<>();
		versions.stream()
			.sorted(Comparator.comparing(Backend::name).thenComparing(Backend::version))
			.forEach((backend) -> byName.computeIfAbsent(backend.name(), (name) -> new ArrayList<>()).add(backend));
		List<ServiceRoutes> services = new ArrayList<>();
		byName.forEach((name, backends) -> {
			Backend main = backends.stream().filter(Backend::main).findFirst().orElse(null);
			services.add(new ServiceRoutes(name, main, backends.stream().filter((backend) -> !backend.main()).toList(),
					backends));
		});
		return new RouteTable(services);
	}

	/**
	 * One deployed version and where to reach it.
	 *
	 * @param name service name
	 * @param version service version
	 * @param main whether it is the main version
	 * @param url its backend address, e.g. {@code http://127.0.0.1:49153}
	 */
	public record Backend(String name, String version, boolean main, String url) {

		public Backend {
			if (!SAFE.matcher(name).matches() || !SAFE.matcher(version).matches()) {
				throw new IllegalArgumentException("Not a routable service: " + name + " " + version);
			}
		}

		/**
		 * The key of this version's route, {@code <name>_<version>}.
		 * @return the key
		 */
		public String key() {
			return this.name + "_" + this.version;
		}

		/**
		 * The path prefix of this version's own route.
		 * @return {@code /services/<name>_<version>}
		 */
		public String prefix() {
			return "/services/" + key();
		}

	}

	/**
	 * The routes of one service name.
	 *
	 * @param name service name
	 * @param main the main version, {@code null} when none is assigned
	 * @param shadows the versions that receive mirrored traffic
	 * @param versions every version, each with a route of its own
	 */
	public record ServiceRoutes(String name, Backend main, List<Backend> shadows, List<Backend> versions) {

		/**
		 * The path prefix of the service's main route.
		 * @return {@code /services/<name>}
		 */
		public String prefix() {
			return "/services/" + this.name;
		}

	}

}
