package io.daeploy.manager.build;

import java.time.Instant;

import io.daeploy.manager.runtime.LogLine;

/**
 * Where a build writes its log: the builder's output line by line, and the manager's own
 * lines about what it does (cloning, pulling, committing).
 */
@FunctionalInterface
public interface BuildLog {

	/**
	 * Adds a line to the log.
	 * @param line the line
	 */
	void line(LogLine line);

	/**
	 * Adds a line of the manager's own.
	 * @param text what the manager does or found
	 */
	default void info(String text) {
		line(new LogLine(Instant.now(), LogLine.Stream.STDOUT, text, "INFO"));
	}

	/**
	 * Adds an error line of the manager's own.
	 * @param text what went wrong
	 */
	default void error(String text) {
		line(new LogLine(Instant.now(), LogLine.Stream.STDERR, text, "ERROR"));
	}

}
