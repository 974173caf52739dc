package io.daeploy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the terminal, {@code --json}, the configuration and a client
 * of the active host.
 */
abstract class CliCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	private Config config;

	/**
	 * Runs the command.
	 * @return the exit code
	 * @throws Exception a failure, reported by {@link Daeploy}
	 */
	abstract int run() throws Exception;

	@Override
	public Integer call() throws Exception {
		return run();
	}

	Daeploy root() {
		return (Daeploy) this.spec.root().userObject();
	}

	Terminal terminal() {
		return root().terminal();
	}

	PrintWriter out() {
		return terminal().out();
	}

	PrintWriter err() {
		return terminal().err();
	}

	boolean json() {
		return root().json();
	}

	Config config() {
		if (this.config == null) {
			this.config = Config.load(terminal().configDirectory());
		}
		return this.config;
	}

	/**
	 * A client of the active host, with its token: {@code DAEPLOY_HOST} and
	 * {@code DAEPLOY_TOKEN} win over the configuration (for scripts and CI).
	 * @return the client
	 */
	ManagerClient manager() {
		String host = terminal().env("DAEPLOY_HOST");
		String token = terminal().env("DAEPLOY_TOKEN");
		if (host == null || host.isBlank()) {
			host = config().activeHost();
			if (host == null) {
				throw new CliException("No active host: log in first with `daeploy login -H <host>`");
			}
			if (token == null) {
				token = config().token(host);
			}
		}
		return new ManagerClient(ManagerClient.host(host), token);
	}

	/**
	 * Prints a value as JSON.
	 * @param value the value
	 */
	void printJson(JsonNode value) {
		out().println(ManagerClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
		out().flush();
	}

}
