package io.daeploy.cli;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy token [DAYS]}: makes an API token, for scripts and CI; the token itself
 * is the last line printed.
 */
@Command(name = "token",
		description = "Create an API token (valid DAYS days, or for ever); it is the last line printed.")
final class TokenCommand extends CliCommand {

	private static final String CREATE = """
			mutation($name: String!, $days: Int) {
			  createToken(input: { name: $name, expiresInDays: $days }) { token apiToken { id name createdAt expiresAt } }
			}""";

	@Parameters(paramLabel = "DAYS", index = "0", arity = "0..1", description = "Days until it expires (1 to 3650).")
	Integer days;

	@Option(names = "--name", description = "A label to recognise it by (default: cli and the time).")
	String name;

	@Override
	int run() {
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("name", (this.name != null) ? this.name : "cli " + LocalDateTime.now().withNano(0));
		variables.put("days", this.days);
		JsonNode created = manager().graphql(CREATE, variables).path("createToken");
		if (json()) {
			printJson(created);
			return 0;
		}
		String expires = created.path("apiToken").path("expiresAt").isString()
				? "it expires " + Table.time(created.path("apiToken").path("expiresAt").asString())
				: "it never expires";
		out().println("Send it as `Authorization: Bearer <token>` (or `daeploy login -t <token>`); " + expires
				+ ". It is shown only now:");
		out().println(created.path("token").asString());
		return 0;
	}

}
