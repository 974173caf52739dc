package io.daeploy.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the command line in-process, as a user would from a shell: its own configuration
 * directory, an environment, standard input given, output and error captured.
 */
final class Cli {

	private final Map<String, String> env = new HashMap<>();

	/**
	 * A command line whose configuration lives in a directory of its own.
	 * @param configDirectory the directory ({@code DAEPLOY_CONFIG_DIR})
	 */
	Cli(Path configDirectory) {
		this.env.put("DAEPLOY_CONFIG_DIR", configDirectory.toString());
	}

	Cli env(String name, String value) {
		this.env.put(name, value);
		return this;
	}

	Result run(String... args) {
		return runWithInput("", args);
	}

	/**
	 * Runs one command.
	 * @param input what standard input holds
	 * @param args the arguments after {@code daeploy}
	 * @return its exit code, output and error
	 */
	Result runWithInput(String input, String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		Terminal terminal = new Terminal(Map.copyOf(this.env),
				new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true),
				new PrintWriter(err, true), null);
		int code = Daeploy.execute(terminal, args);
		return new Result(code, out.toString(), err.toString());
	}

	/**
	 * Runs one command whose output is read while it runs.
	 * @param out where its output goes
	 * @param args the arguments
	 * @return its exit code
	 */
	int runInto(StringWriter out, String... args) {
		StringWriter err = new StringWriter();
		Terminal terminal = new Terminal(Map.copyOf(this.env), new ByteArrayInputStream(new byte[0]),
				new PrintWriter(out, true), new PrintWriter(err, true), null);
		return Daeploy.execute(terminal, args);
	}

	/** What a command did. */
	record Result(int code, String out, String err) {

		@Override
		public String toString() {
			return "exit " + this.code + "\n--- out\n" + this.out + "--- err\n" + this.err;
		}

	}

}
