package io.daeploy.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code daeploy user add|rm|ls|update}: user administration (admins only). */
@Command(name = "user", description = "Manage users (admins only).", subcommands = { UserCommand.Add.class,
		UserCommand.Remove.class, UserCommand.List.class, UserCommand.Update.class })
final class UserCommand implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		throw new ParameterException(this.spec.commandLine(), "Missing a subcommand: add, rm, ls or update");
	}

	/** A password given with {@code -p}, or asked for twice. */
	static String password(CliCommand command, String given) {
		if (given != null) {
			return given;
		}
		String first = command.terminal().askSecret("Password: ");
		String again = command.terminal().askSecret("Password again: ");
		if (first == null || !first.equals(again)) {
			throw new CliException("The passwords differ");
		}
		return first;
	}

	@Command(name = "add", description = "Create a user.")
	static final class Add extends CliCommand {

		private static final String CREATE = """
				mutation($username: String!, $password: String!, $role: Role) {
				  createUser(input: { username: $username, password: $password, role: $role }) { user { username role createdAt } }
				}""";

		@Parameters(paramLabel = "USERNAME", index = "0", description = "The user name.")
		String username;

		@Option(names = { "-p", "--password" }, description = "The password (asked for when not given).")
		String password;

		@Option(names = "--admin", description = "Make the user an admin.")
		boolean admin;

		@Override
		int run() {
			ManagerClient manager = manager();
			Map<String, Object> variables = new LinkedHashMap<>();
			variables.put("username", this.username);
			variables.put("password", password(this, this.password));
			variables.put("role", this.admin ? "ADMIN" : "USER");
			JsonNode user = manager.graphql(CREATE, variables).path("createUser").path("user");
			if (json()) {
				printJson(user);
			}
			else {
				out().println(
						"Created user " + user.path("username").asString() + " (" + user.path("role").asString() + ")");
			}
			return 0;
		}

	}

	@Command(name = "rm", description = "Delete a user and revoke their sessions and tokens.")
	static final class Remove extends CliCommand {

		@Parameters(paramLabel = "USERNAME", index = "0", description = "The user name.")
		String username;

		@Option(names = { "-y", "--yes" }, description = "Do not ask for confirmation.")
		boolean yes;

		@Override
		int run() {
			ManagerClient manager = manager();
			if (!this.yes && !terminal().confirm("Delete user " + this.username + "?")) {
				throw new CliException("Nothing deleted");
			}
			JsonNode deleted = manager
				.graphql("mutation($u: String!) { deleteUser(input: { username: $u }) { username } }",
						Map.of("u", this.username))
				.path("deleteUser");
			if (json()) {
				printJson(deleted);
			}
			else {
				out().println("Deleted user " + deleted.path("username").asString());
			}
			return 0;
		}

	}

	@Command(name = "ls", description = "List users.")
	static final class List extends CliCommand {

		@Override
		int run() {
			JsonNode users = manager().graphql("{ users { username role createdAt } }", Map.of()).path("users");
			if (json()) {
				printJson(users);
				return 0;
			}
			Table table = new Table("USERNAME", "ROLE", "CREATED");
			for (JsonNode user : users) {
				table.row(user.path("username").asString(), user.path("role").asString(),
						Table.time(user.path("createdAt").asString(null)));
			}
			table.print(out());
			return 0;
		}

	}

	@Command(name = "update", description = "Set a user's password (revokes their sessions and tokens).")
	static final class Update extends CliCommand {

		private static final String SET = """
				mutation($username: String!, $password: String!) {
				  setUserPassword(input: { username: $username, password: $password }) { user { username role } }
				}""";

		@Parameters(paramLabel = "USERNAME", index = "0", description = "The user name.")
		String username;

		@Option(names = { "-p", "--password" }, description = "The new password (asked for when not given).")
		String password;

		@Override
		int run() {
			ManagerClient manager = manager();
			JsonNode user = manager
				.graphql(SET, Map.of("username", this.username, "password", password(this, this.password)))
				.path("setUserPassword")
				.path("user");
			if (json()) {
				printJson(user);
			}
			else {
				out().println("Set the password of " + user.path("username").asString());
			}
			return 0;
		}

	}

}
