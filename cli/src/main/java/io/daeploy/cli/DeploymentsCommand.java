package io.daeploy.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy deployments [NAME]}: the deploys, stops, starts and restarts, newest
 * first.
 */
@Command(name = "deployments", description = "List deployments (deploys, stops, starts, restarts), newest first.")
final class DeploymentsCommand extends CliCommand {

	private static final String LIST = """
			query($first: Int, $service: String) {
			  deployments(first: $first, serviceName: $service) {
			    deployments { id kind state reason code serviceName serviceVersion source createdAt finishedAt }
			    hasMore
			  }
			}""";

	@Parameters(paramLabel = "NAME", index = "0", arity = "0..1", description = "Only those of this service.")
	String name;

	@Option(names = { "-n", "--number" }, defaultValue = "20",
			description = "At most this many (default ${DEFAULT-VALUE}).")
	int number;

	@Override
	int run() {
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("first", this.number);
		variables.put("service", this.name);
		JsonNode page = manager().graphql(LIST, variables).path("deployments");
		if (json()) {
			printJson(page);
			return 0;
		}
		Table table = new Table("ID", "KIND", "STATE", "NAME", "VERSION", "SOURCE", "CREATED", "REASON");
		for (JsonNode deployment : page.path("deployments")) {
			table.row(deployment.path("id").asString(), deployment.path("kind").asString(),
					deployment.path("state").asString(), deployment.path("serviceName").asString(),
					deployment.path("serviceVersion").asString(), deployment.path("source").asString(),
					Table.time(deployment.path("createdAt").asString(null)),
					deployment.path("reason").asString("").replace('\n', ' '));
		}
		table.print(out());
		return 0;
	}

}
