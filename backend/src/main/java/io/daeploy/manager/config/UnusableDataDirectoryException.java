package io.daeploy.manager.config;

/**
 * The data directory or the store in it cannot be used: read-only, full, not a SQLite
 * file, or written by a newer manager. The start stops with what is wrong and what to do
 * ({@link UnusableDataDirectoryFailureAnalyzer}), before anything could damage the file.
 */
public class UnusableDataDirectoryException extends RuntimeException {

	private final String action;

	public UnusableDataDirectoryException(String problem, String action, Throwable cause) {
		super(problem, cause);
		this.action = action;
	}

	/**
	 * What to do about it.
	 * @return the advice
	 */
	public String action() {
		return this.action;
	}

}
