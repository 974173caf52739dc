package io.daeploy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code daeploy login}: signs in to a manager and makes it the active host. A host whose
 * stored token is still good is switched to without signing in again.
 */
@Command(name = "login", description = "Log in to a manager and make it the active host.")
final class LoginCommand extends CliCommand {

	static final String DEFAULT_HOST = "http://localhost:5080";

	private static final String WHO = "{ me { name role tokenKind } manager { authEnabled version } }";

	private static final String LOGIN = """
			mutation($username: String!, $password: String!) {
			  login(input: { username: $username, password: $password }) { token expiresAt user { username role } }
			}""";

	@Option(names = { "-H", "--host" }, description = "The manager, e.g. http://localhost:5080.")
	String host;

	@Option(names = { "-u", "--username" }, description = "The user name (asked for when not given).")
	String username;

	@Option(names = { "-p", "--password" }, description = "The password (asked for when not given).")
	String password;

	@Option(names = { "-t", "--token" }, description = "An API token to log in with instead of a password.")
	String token;

	@Override
	int run() {
		String chosen = ManagerClient.host((this.host != null) ? this.host : askHost());
		if (this.token != null) {
			JsonNode who = who(chosen, this.token);
			if (who == null) {
				throw new CliException("Invalid token given", "UNAUTHENTICATED");
			}
			return done(chosen, this.token, who.path("me").path("name").asString(""), null, "Logged in to");
		}
		String stored = config().token(chosen);
		if (stored != null && this.username == null && this.password == null) {
			JsonNode who = who(chosen, stored);
			if (who != null) {
				return done(chosen, stored, who.path("me").path("name").asString(""), null, "Changed host to");
			}
		}
		JsonNode manager = new ManagerClient(chosen, null).graphql("{ manager { authEnabled } }", Map.of());
		if (!manager.path("manager").path("authEnabled").asBoolean(true)) {
			return done(chosen, "", "anonymous", null, "Authentication is off; changed host to");
		}
		String user = (this.username != null) ? this.username : terminal().ask("Username [admin]: ");
		if (user == null || user.isEmpty()) {
			user = "admin";
		}
		String secret = (this.password != null) ? this.password : terminal().askSecret("Password: ");
		if (secret == null) {
			throw new CliException("No password given");
		}
		JsonNode login = new ManagerClient(chosen, null).graphql(LOGIN, Map.of("username", user, "password", secret))
			.path("login");
		return done(chosen, login.path("token").asString(), login.path("user").path("username").asString(user),
				login.path("expiresAt").asString(null), "Logged in to");
	}

	/**
	 * Who a token belongs to, on a host.
	 * @return the answer, or null when the manager refuses the token
	 */
	private static JsonNode who(String host, String token) {
		try {
			JsonNode who = new ManagerClient(host, token).graphql(WHO, Map.of());
			boolean authEnabled = who.path("manager").path("authEnabled").asBoolean(true);
			return (who.path("me").isObject() || !authEnabled) ? who : null;
		}
		catch (CliException ex) {
			if ("UNAUTHENTICATED".equals(ex.code())) {
				return null;
			}
			throw ex;
		}
	}

	private int done(String host, String token, String user, String expiresAt, String what) {
		config().activate(host, token);
		config().save();
		if (json()) {
			ObjectNode answer = ManagerClient.JSON.createObjectNode().put("host", host).put("user", user);
			answer.put("expiresAt", expiresAt);
			printJson(answer);
		}
		else {
			out().println(what + " " + host + (user.isEmpty() ? "" : " as " + user));
		}
		return 0;
	}

	/** Asks which host: a known one by its number, or a new URL. */
	private String askHost() {
		List<String> known = new ArrayList<>();
		config().hosts().forEach(known::add);
		String active = config().activeHost();
		String fallback = (active != null) ? active : (known.isEmpty() ? DEFAULT_HOST : known.get(0));
		if (!known.isEmpty()) {
			err().println("Known hosts:");
			for (int i = 0; i < known.size(); i++) {
				err().println("  " + (i + 1) + ". " + known.get(i) + (known.get(i).equals(active) ? " (active)" : ""));
			}
		}
		String answer = terminal().ask("Host (a number or a URL) [" + fallback + "]: ");
		if (answer == null || answer.isEmpty()) {
			return fallback;
		}
		if (answer.matches("\\d+")) {
			int index = Integer.parseInt(answer) - 1;
			if (index < 0 || index >= known.size()) {
				throw new CliException("No known host number " + answer);
			}
			return known.get(index);
		}
		return answer;
	}

}
