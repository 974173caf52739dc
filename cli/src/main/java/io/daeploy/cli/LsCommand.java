package io.daeploy.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy ls [NAME] [VERSION]}: the deployed services as the original's table
 * {@code MAIN NAME VERSION STATUS RUNNING}, plus each version's URL.
 */
@Command(name = "ls", description = "List deployed services.")
final class LsCommand extends CliCommand {

	static final String SERVICES = """
			query($name: String) { services(name: $name) { name version main state url image port createdAt } }""";

	/** How many inspections one query asks for (each costs an engine call). */
	private static final int INSPECTIONS_PER_QUERY = 10;

	@Parameters(paramLabel = "NAME", index = "0", arity = "0..1", description = "Only this service.")
	String name;

	@Parameters(paramLabel = "VERSION", index = "1", arity = "0..1", description = "Only this version.")
	String version;

	@Override
	int run() {
		ManagerClient manager = manager();
		List<JsonNode> services = services(manager, this.name, this.version);
		if (this.name != null && services.isEmpty()) {
			throw new CliException(
					"No service " + this.name + ((this.version != null) ? " " + this.version : "") + " is deployed",
					"SERVICE_NOT_FOUND");
		}
		show(this, manager, services);
		return 0;
	}

	/**
	 * The services deployed, those of one name or one version when given.
	 * @param manager the manager
	 * @param name a service name, or null for all
	 * @param version a version, or null for all
	 * @return the services, ordered by name then deployment time
	 */
	static List<JsonNode> services(ManagerClient manager, String name, String version) {
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("name", name);
		List<JsonNode> services = new ArrayList<>();
		for (JsonNode service : manager.graphql(SERVICES, variables).path("services")) {
			if (version == null || version.equals(service.path("version").asString())) {
				services.add(service);
			}
		}
		return services;
	}

	/**
	 * Prints services: a table with each one's running state, or JSON.
	 * @param command the command printing
	 * @param manager the manager, asked for the running states
	 * @param services the services
	 */
	static void show(CliCommand command, ManagerClient manager, List<JsonNode> services) {
		Map<Integer, JsonNode> inspections;
		try {
			inspections = inspections(manager, services);
		}
		catch (CliException ex) {
			// the engine is away: the list still answers, without running times
			inspections = Map.of();
		}
		if (command.json()) {
			ArrayNode list = ManagerClient.JSON.createArrayNode();
			for (int i = 0; i < services.size(); i++) {
				ObjectNode service = ((ObjectNode) services.get(i)).deepCopy();
				service.set("inspection", inspections.get(i));
				list.add(service);
			}
			command.printJson(list);
			return;
		}
		command.out().print(table(services, inspections).render());
		command.out().flush();
	}

	/**
	 * The original's table, with the URL.
	 * @param services the services
	 * @param inspections each one's {@code running startedAt finishedAt}, by index
	 * @return the table
	 */
	static Table table(List<JsonNode> services, Map<Integer, JsonNode> inspections) {
		Table table = new Table("MAIN", "NAME", "VERSION", "STATUS", "RUNNING", "URL");
		for (int i = 0; i < services.size(); i++) {
			JsonNode service = services.get(i);
			table.row(service.path("main").asBoolean() ? "*" : "", service.path("name").asString(),
					service.path("version").asString(), service.path("state").asString().toLowerCase(),
					running(inspections.get(i)), service.path("url").asString());
		}
		return table;
	}

	/**
	 * The RUNNING cell: {@code Running (since ...)} or {@code Stopped (since ...)}.
	 * @param inspection the inspection, or null when the container is missing
	 * @return the cell
	 */
	static String running(JsonNode inspection) {
		if (inspection == null || !inspection.isObject()) {
			return "-";
		}
		if (inspection.path("running").asBoolean()) {
			return "Running (since " + Table.time(inspection.path("startedAt").asString(null)) + ")";
		}
		String since = inspection.path("finishedAt").asString(null);
		return "Stopped" + ((since != null) ? " (since " + Table.time(since) + ")" : "");
	}

	private static Map<Integer, JsonNode> inspections(ManagerClient manager, List<JsonNode> services) {
		Map<Integer, JsonNode> inspections = new LinkedHashMap<>();
		for (int from = 0; from < services.size(); from += INSPECTIONS_PER_QUERY) {
			StringBuilder query = new StringBuilder("query(");
			StringBuilder fields = new StringBuilder();
			Map<String, Object> variables = new LinkedHashMap<>();
			int to = Math.min(services.size(), from + INSPECTIONS_PER_QUERY);
			for (int i = from; i < to; i++) {
				query.append((i > from) ? ", " : "")
					.append("$n")
					.append(i)
					.append(": String!, $v")
					.append(i)
					.append(": String!");
				fields.append(" s")
					.append(i)
					.append(": service(name: $n")
					.append(i)
					.append(", version: $v")
					.append(i)
					.append(") { inspection { running startedAt finishedAt } }");
				variables.put("n" + i, services.get(i).path("name").asString());
				variables.put("v" + i, services.get(i).path("version").asString());
			}
			JsonNode data = manager.graphql(query.append(") {").append(fields).append(" }").toString(), variables);
			for (int i = from; i < to; i++) {
				JsonNode inspection = data.path("s" + i).path("inspection");
				if (inspection.isObject()) {
					inspections.put(i, inspection);
				}
			}
		}
		return inspections;
	}

}
