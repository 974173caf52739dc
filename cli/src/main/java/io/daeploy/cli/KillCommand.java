package io.daeploy.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy kill [NAME] [VERSION]}: kills service versions, each service's shadows
 * before its main version, after a confirmation unless {@code --yes}; their images go too
 * unless {@code --keep-image}.
 */
@Command(name = "kill", description = "Kill service versions: NAME VERSION, every version of NAME, or all (-a).")
final class KillCommand extends CliCommand {

	private static final String KILL = """
			mutation($name: String!, $version: String!, $removeImage: Boolean, $newMain: String) {
			  killService(input: { name: $name, version: $version, removeImage: $removeImage, newMain: $newMain }) {
			    name version imageRemoved
			  }
			}""";

	@Parameters(paramLabel = "NAME", index = "0", arity = "0..1", description = "The service.")
	String name;

	@Parameters(paramLabel = "VERSION", index = "1", arity = "0..1",
			description = "The version (every version by default).")
	String version;

	@Option(names = { "-a", "--all" }, description = "Kill every service.")
	boolean all;

	@Option(names = { "-y", "--yes" }, description = "Do not ask for confirmation.")
	boolean yes;

	@Option(names = { "-i", "--keep-image" }, description = "Keep the services' images.")
	boolean keepImage;

	@Option(names = "--new-main", paramLabel = "VERSION",
			description = "When killing a main version whose shadows stay: the version that becomes main.")
	String newMain;

	@Override
	int run() {
		if (this.newMain != null && (this.name == null || this.version == null)) {
			throw new CliException("--new-main goes with one NAME VERSION");
		}
		if (this.name == null && !this.all) {
			throw new CliException("Name a service to kill, or give --all");
		}
		if (this.name != null && this.all) {
			throw new CliException("Give a service name or --all, not both");
		}
		ManagerClient manager = manager();
		List<JsonNode> services = order(LsCommand.services(manager, this.name, this.version));
		if (services.isEmpty()) {
			if (this.all) {
				out().println("No services are deployed");
				return 0;
			}
			throw new CliException(
					"No service " + this.name + ((this.version != null) ? " " + this.version : "") + " is deployed",
					"SERVICE_NOT_FOUND");
		}
		if (!this.yes) {
			LsCommand.table(services, Map.of()).print(err());
			if (!terminal().confirm("Kill "
					+ ((services.size() == 1) ? "this service version"
							: "these " + services.size() + " service versions")
					+ (this.keepImage ? "" : " and remove their images") + "?")) {
				throw new CliException("Nothing killed");
			}
		}
		ArrayNode killed = ManagerClient.JSON.createArrayNode();
		for (JsonNode service : services) {
			Map<String, Object> variables = new LinkedHashMap<>();
			variables.put("name", service.path("name").asString());
			variables.put("version", service.path("version").asString());
			variables.put("removeImage", !this.keepImage);
			variables.put("newMain", service.path("main").asBoolean() ? this.newMain : null);
			JsonNode answer = manager.graphql(KILL, variables).path("killService");
			killed.add(answer);
			if (!json()) {
				out().println("Killed " + answer.path("name").asString() + " " + answer.path("version").asString()
						+ (answer.path("imageRemoved").asBoolean() ? " (image removed)" : ""));
				out().flush();
			}
		}
		if (json()) {
			printJson(killed);
		}
		return 0;
	}

	/**
	 * The order of a kill: service by service, shadows before the main version, so that
	 * the main is no longer in the way of the manager's rule that it goes last.
	 * @param services the services to kill
	 * @return them in that order
	 */
	static List<JsonNode> order(List<JsonNode> services) {
		List<JsonNode> ordered = new ArrayList<>(services);
		ordered.sort(Comparator.comparing((JsonNode service) -> service.path("name").asString())
			.thenComparing((service) -> service.path("main").asBoolean()));
		return ordered;
	}

}
