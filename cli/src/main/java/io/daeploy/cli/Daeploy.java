package io.daeploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import tools.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code daeploy}: the command line of the Daeploy Manager, with the original's commands
 * and flags, over the manager's GraphQL API.
 */
@Command(name = "daeploy", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
		description = "Deploys and manages services on a Daeploy Manager.",
		subcommands = { LoginCommand.class, LogoutCommand.class, LsCommand.class, DeployCommand.class,
				LogsCommand.class, KillCommand.class, AssignCommand.class, TokenCommand.class, UserCommand.class,
				NotificationsCommand.class, DeploymentsCommand.class, InitCommand.class, CompletionCommand.class })
public final class Daeploy {

	/**
	 * Exit code of a command that failed (a refusal, a failed deploy, an unreachable
	 * host).
	 */
	static final int FAILED = 1;

	private final Terminal terminal;

	@Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON instead of text.")
	private boolean json;

	Daeploy(Terminal terminal) {
		this.terminal = terminal;
	}

	Terminal terminal() {
		return this.terminal;
	}

	boolean json() {
		return this.json;
	}

	/**
	 * Runs the command line.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		System.exit(execute(Terminal.system(), args));
	}

	/**
	 * Runs one command.
	 * @param terminal what it talks to
	 * @param args its arguments
	 * @return its exit code: 0 when it succeeded, 1 when it failed, 2 for a usage error
	 */
	static int execute(Terminal terminal, String... args) {
		return commandLine(terminal).execute(args);
	}

	/**
	 * The command line, with its subcommands and its way of reporting failures.
	 * @param terminal what it talks to
	 * @return the command line
	 */
	static CommandLine commandLine(Terminal terminal) {
		Daeploy root = new Daeploy(terminal);
		CommandLine commandLine = new CommandLine(root);
		commandLine.setOut(terminal.out());
		commandLine.setErr(terminal.err());
		commandLine.setCaseInsensitiveEnumValuesAllowed(true);
		setVersion(commandLine, new Version(root));
		commandLine.setExecutionExceptionHandler((ex, line, parsed) -> {
			report(root, ex);
			return FAILED;
		});
		return commandLine;
	}

	private static void setVersion(CommandLine commandLine, Version version) {
		commandLine.getCommandSpec().versionProvider(version);
		commandLine.getSubcommands().values().forEach((sub) -> setVersion(sub, version));
	}

	private static void report(Daeploy root, Exception ex) {
		String message;
		String code = null;
		if (ex instanceof CliException cli) {
			message = cli.getMessage();
			code = cli.code();
		}
		else if (ex instanceof UncheckedIOException io) {
			message = io.getMessage() + ": " + io.getCause().getMessage();
		}
		else if (ex instanceof IOException) {
			message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
		else {
			message = "Unexpected failure: " + ex;
		}
		if (root.json) {
			ObjectNode error = ManagerClient.JSON.createObjectNode();
			error.putObject("error").put("message", message).put("code", code);
			root.terminal.err().println(ManagerClient.JSON.writeValueAsString(error));
		}
		else {
			root.terminal.err().println("Error: " + message + ((code != null) ? " [" + code + "]" : ""));
		}
		root.terminal.err().flush();
	}

	/**
	 * This command line's version.
	 * @return e.g. {@code 0.1.0}
	 */
	static String version() {
		Properties properties = new Properties();
		try (InputStream in = Daeploy.class.getResourceAsStream("/daeploy-cli.properties")) {
			if (in != null) {
				properties.load(in);
			}
		}
		catch (IOException ex) {
			// no version then
		}
		return properties.getProperty("version", "unknown");
	}

	/**
	 * {@code --version}: this command line's, and the active manager's when it answers.
	 */
	static final class Version implements IVersionProvider {

		private final Daeploy root;

		Version(Daeploy root) {
			this.root = root;
		}

		@Override
		public String[] getVersion() {
			String mine = "daeploy " + version();
			try {
				Config config = Config.load(this.root.terminal.configDirectory());
				String host = config.activeHost();
				if (host == null) {
					return new String[] { mine };
				}
				String manager = new ManagerClient(host, config.token(host))
					.graphql("{ manager { version } }", java.util.Map.of())
					.path("manager")
					.path("version")
					.asString("unknown");
				return new String[] { mine, "Manager version: " + manager + " (" + host + ")" };
			}
			catch (CliException ex) {
				return new String[] { mine, "Manager: " + ex.getMessage() };
			}
		}

	}

}
