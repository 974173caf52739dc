package io.daeploy.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code daeploy notifications [--clear]}: the notifications services and the manager
 * raised.
 */
@Command(name = "notifications", description = "List notifications, newest first, or clear them.")
final class NotificationsCommand extends CliCommand {

	private static final String LIST = """
			query($first: Int, $service: String) {
			  notifications(first: $first, serviceName: $service) {
			    notifications { id serviceName serviceVersion message severity counter firstRaisedAt lastRaisedAt }
			    hasMore
			  }
			}""";

	private static final String CLEAR = """
			mutation($service: String) { clearNotifications(input: { serviceName: $service }) { deleted } }""";

	@Option(names = "--clear", description = "Delete them (those of --service only, when given).")
	boolean clear;

	@Option(names = { "-s", "--service" }, description = "Only those of this service.")
	String service;

	@Option(names = { "-n", "--number" }, defaultValue = "50",
			description = "At most this many (default ${DEFAULT-VALUE}).")
	int number;

	@Override
	int run() {
		ManagerClient manager = manager();
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("service", this.service);
		if (this.clear) {
			JsonNode cleared = manager.graphql(CLEAR, variables).path("clearNotifications");
			if (json()) {
				printJson(cleared);
			}
			else {
				out().println("Deleted " + cleared.path("deleted").asInt() + " notifications");
			}
			return 0;
		}
		variables.put("first", this.number);
		JsonNode page = manager.graphql(LIST, variables).path("notifications");
		if (json()) {
			printJson(page);
			return 0;
		}
		Table table = new Table("SEVERITY", "SERVICE", "VERSION", "TIMES", "LAST RAISED", "MESSAGE");
		for (JsonNode notification : page.path("notifications")) {
			table.row(notification.path("severity").asString(), notification.path("serviceName").asString(),
					notification.path("serviceVersion").asString(), notification.path("counter").asString(),
					Table.time(notification.path("lastRaisedAt").asString(null)),
					notification.path("message").asString().replace('\n', ' '));
		}
		table.print(out());
		return 0;
	}

}
