package io.daeploy.manager.runtime;

import java.time.Instant;

/**
 * One line of a log: a service's (from the runtime) or the manager's own.
 *
 * @param timestamp when it was written
 * @param stream where it was written
 * @param line the text, without its line break
 * @param level the level of a manager log line; {@code null} for service lines
 */
public record LogLine(Instant timestamp, Stream stream, String line, String level) {

	/**
	 * The output stream a line was written to.
	 */
	public enum Stream {

		STDOUT, STDERR

	}

}
