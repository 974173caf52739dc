package io.daeploy.cli;

/**
 * A failure the command line reports in words and an exit code, never with a stack trace:
 * the manager's message and its {@code extensions.code}, or what went wrong locally.
 */
final class CliException extends RuntimeException {

	private final String code;

	/**
	 * A failure.
	 * @param message what to tell the user
	 * @param code the manager's error code, or null for a local failure
	 */
	CliException(String message, String code) {
		super(message);
		this.code = code;
	}

	/**
	 * A local failure.
	 * @param message what to tell the user
	 */
	CliException(String message) {
		this(message, null);
	}

	/**
	 * The manager's error code.
	 * @return the code, or null for a local failure
	 */
	String code() {
		return this.code;
	}

}
