package io.daeploy.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command talks to besides the manager: its environment, standard input, output
 * and error, and the directory its configuration lives in. Tests give their own.
 */
final class Terminal {

	private final Map<String, String> env;

	private final BufferedReader in;

	private final PrintWriter out;

	private final PrintWriter err;

	private final Console console;

	/**
	 * A terminal.
	 * @param env the environment variables
	 * @param in standard input
	 * @param out standard output
	 * @param err standard error
	 * @param console the console for password prompts, or null to read them from
	 * {@code in}
	 */
	Terminal(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err, Console console) {
		this.env = env;
		this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
		this.out = out;
		this.err = err;
		this.console = console;
	}

	/**
	 * The process's own terminal.
	 * @return the terminal of {@code System}
	 */
	static Terminal system() {
		PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
		PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
		return new Terminal(System.getenv(), System.in, out, err, System.console());
	}

	PrintWriter out() {
		return this.out;
	}

	PrintWriter err() {
		return this.err;
	}

	/**
	 * An environment variable.
	 * @param name its name
	 * @return its value, or null when unset
	 */
	String env(String name) {
		return this.env.get(name);
	}

	/**
	 * The directory the configuration lives in: {@code DAEPLOY_CONFIG_DIR}, else
	 * {@code $XDG_CONFIG_HOME/daeploy}, else {@code ~/.config/daeploy}.
	 * @return the directory (it may not exist yet)
	 */
	Path configDirectory() {
		String explicit = env("DAEPLOY_CONFIG_DIR");
		if (explicit != null && !explicit.isBlank()) {
			return Path.of(explicit);
		}
		String xdg = env("XDG_CONFIG_HOME");
		if (xdg != null && !xdg.isBlank()) {
			return Path.of(xdg, "daeploy");
		}
		return Path.of(System.getProperty("user.home"), ".config", "daeploy");
	}

	/**
	 * Asks for a line.
	 * @param prompt what to ask, written to standard error
	 * @return the answer, trimmed, or null at the end of input
	 */
	String ask(String prompt) {
		this.err.print(prompt);
		this.err.flush();
		try {
			String line = this.in.readLine();
			return (line != null) ? line.trim() : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Asks for a secret, without echo on a console.
	 * @param prompt what to ask
	 * @return the answer, or null at the end of input
	 */
	String askSecret(String prompt) {
		if (this.console != null) {
			char[] secret = this.console.readPassword("%s", prompt);
			return (secret != null) ? new String(secret) : null;
		}
		return ask(prompt);
	}

	/**
	 * Asks a yes-or-no question; anything but {@code y} or {@code yes} is no.
	 * @param question the question
	 * @return whether the answer was yes
	 */
	boolean confirm(String question) {
		String answer = ask(question + " [y/N] ");
		return answer != null && (answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes"));
	}

}
