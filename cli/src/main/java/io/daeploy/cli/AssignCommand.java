package io.daeploy.cli;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code daeploy assign NAME VERSION}: makes a version its service's main version. */
@Command(name = "assign", description = "Make a version the main version of its service.")
final class AssignCommand extends CliCommand {

	private static final String ASSIGN = """
			mutation($name: String!, $version: String!) {
			  assignMainVersion(input: { name: $name, version: $version }) { main { version } previousMain { version } }
			}""";

	@Parameters(paramLabel = "NAME", index = "0", description = "The service.")
	String name;

	@Parameters(paramLabel = "VERSION", index = "1", description = "The version to make main.")
	String version;

	@Option(names = { "-y", "--yes" }, description = "Do not ask for confirmation.")
	boolean yes;

	@Override
	int run() {
		ManagerClient manager = manager();
		if (!this.yes && !terminal().confirm("Make " + this.name + " " + this.version
				+ " the main version, routed at /services/" + this.name + "/?")) {
			throw new CliException("Nothing changed");
		}
		JsonNode answer = manager.graphql(ASSIGN, Map.of("name", this.name, "version", this.version))
			.path("assignMainVersion");
		if (json()) {
			printJson(answer);
			return 0;
		}
		JsonNode previous = answer.path("previousMain");
		out().println("Main version of " + this.name + " is " + answer.path("main").path("version").asString()
				+ (previous.isObject() ? " (was " + previous.path("version").asString() + ")" : ""));
		LsCommand.show(this, manager, LsCommand.services(manager, this.name, null));
		return 0;
	}

}
