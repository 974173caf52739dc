package io.daeploy.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy logs NAME [VERSION]}: a service version's log (the main version's by
 * default), its last lines or, with {@code -f}, followed over the subscription until the
 * container stops.
 */
@Command(name = "logs", description = "Show a service's logs (its main version's by default).")
final class LogsCommand extends CliCommand {

	/** The most lines the manager gives at once. */
	static final int ALL = 10000;

	private static final Pattern AGO = Pattern.compile("(\\d+)\\s*([smhd])");

	private static final String PAGE = """
			query($name: String!, $version: String!, $tail: Int, $since: DateTime) {
			  serviceLogs(name: $name, version: $version, tail: $tail, since: $since) { timestamp stream line }
			}""";

	/**
	 * Followed in batches: a burst is a few messages of many lines, printed with one
	 * flush each.
	 */
	private static final String FOLLOW = """
			subscription($name: String!, $version: String!, $tail: Int, $since: DateTime) {
			  serviceLogBatches(name: $name, version: $version, tail: $tail, since: $since, follow: true) { timestamp stream line }
			}""";

	@Parameters(paramLabel = "NAME", index = "0", description = "The service.")
	String name;

	@Parameters(paramLabel = "VERSION", index = "1", arity = "0..1",
			description = "The version (the main one by default).")
	String version;

	@Option(names = { "-n", "--tail" }, defaultValue = "50",
			description = "How many of the last lines, or `all` (default ${DEFAULT-VALUE}).")
	String tail;

	@Option(names = { "-f", "--follow" }, description = "Keep printing new lines until the container stops.")
	boolean follow;

	@Option(names = { "-d", "--since" }, paramLabel = "TIME",
			description = "Only lines written after TIME: 2026-12-01T10:00:00Z, 2026-12-01 10:00, or ago: 30s, 10m, 2h, 1d.")
	String since;

	@Option(names = { "-t", "--timestamps" }, description = "Show each line's timestamp.")
	boolean timestamps;

	@Override
	int run() {
		int lines = tail(this.tail);
		ManagerClient manager = manager();
		String chosen = (this.version != null) ? this.version : mainVersion(manager, this.name);
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("name", this.name);
		variables.put("version", chosen);
		variables.put("tail", lines);
		variables.put("since", (this.since != null) ? since(this.since, Clock.systemDefaultZone()) : null);
		if (this.follow) {
			manager.subscribe(FOLLOW, variables, (data) -> {
				for (JsonNode line : data.path("serviceLogBatches")) {
					print(line);
				}
				out().flush();
				return true;
			});
		}
		else {
			for (JsonNode line : manager.graphql(PAGE, variables).path("serviceLogs")) {
				print(line);
			}
			out().flush();
		}
		return 0;
	}

	private void print(JsonNode line) {
		if (json()) {
			out().println(ManagerClient.JSON.writeValueAsString(line));
		}
		else {
			String text = line.path("line").asString();
			out().println(this.timestamps ? line.path("timestamp").asString() + " " + text : text);
		}
	}

	/**
	 * The main version of a service.
	 * @param manager the manager
	 * @param name the service
	 * @return its main version
	 */
	static String mainVersion(ManagerClient manager, String name) {
		List<JsonNode> services = LsCommand.services(manager, name, null);
		return services.stream()
			.filter((service) -> service.path("main").asBoolean())
			.findFirst()
			.or(() -> services.stream().findFirst())
			.map((service) -> service.path("version").asString())
			.orElseThrow(() -> new CliException("No service " + name + " is deployed", "SERVICE_NOT_FOUND"));
	}

	/**
	 * {@code -n}: a count of lines, or {@code all}.
	 * @param given what was given
	 * @return the count, at most {@link #ALL}
	 */
	static int tail(String given) {
		if (given.equalsIgnoreCase("all")) {
			return ALL;
		}
		try {
			int lines = Integer.parseInt(given);
			if (lines < 0) {
				throw new NumberFormatException();
			}
			return Math.min(lines, ALL);
		}
		catch (NumberFormatException ex) {
			throw new CliException("-n takes a number of lines or `all`, not " + given);
		}
	}

	/**
	 * {@code --since}: a date and time (with an offset, or local), a date, or a time ago.
	 * @param given what was given
	 * @param clock the clock and zone local times are read in
	 * @return the time as ISO-8601 with an offset
	 */
	static String since(String given, Clock clock) {
		String text = given.trim();
		Matcher ago = AGO.matcher(text);
		if (ago.matches()) {
			long amount = Long.parseLong(ago.group(1));
			Duration duration = switch (ago.group(2)) {
				case "s" -> Duration.ofSeconds(amount);
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				default -> Duration.ofDays(amount);
			};
			return OffsetDateTime.now(clock).minus(duration).withOffsetSameInstant(ZoneOffset.UTC).toString();
		}
		try {
			return OffsetDateTime.parse(text).toString();
		}
		catch (DateTimeParseException ex) {
			// not with an offset
		}
		try {
			String local = text.replace(' ', 'T');
			if (local.length() == 16) {
				local += ":00";
			}
			return LocalDateTime.parse(local).atZone(clock.getZone()).toOffsetDateTime().toString();
		}
		catch (DateTimeParseException ex) {
			// not a local date and time
		}
		try {
			return LocalDate.parse(text).atStartOfDay(clock.getZone()).toOffsetDateTime().toString();
		}
		catch (DateTimeParseException ex) {
			throw new CliException("--since takes a date and time (2026-12-01T10:00:00Z, 2026-12-01 10:00), "
					+ "a date, or a time ago (30s, 10m, 2h, 1d), not " + given);
		}
	}

}
