package io.daeploy.manager.deployment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.daeploy.manager.runtime.LogLine;

/**
 * A deployment's log in memory: its last lines, bounded in number and in bytes (the
 * oldest go first). Each line gets the next number of the deployment's event sequence, so
 * a subscriber that joins late reads what is held, then the live lines after the last
 * number it read, without a gap or a repeat. Guarded by the job that owns it.
 */
final class DeploymentLog {

	static final int MAX_LINES = 5000;

	static final long MAX_BYTES = 2L * 1024 * 1024;

	private final ArrayDeque<Numbered> lines = new ArrayDeque<>();

	private long bytes;

	void add(long sequence, LogLine line) {
		this.lines.addLast(new Numbered(sequence, line));
		this.bytes += size(line);
		while (this.lines.size() > MAX_LINES || (this.bytes > MAX_BYTES && this.lines.size() > 1)) {
			this.bytes -= size(this.lines.removeFirst().line());
		}
	}

	/**
	 * The last lines held.
	 * @param tail at most this many
	 * @return them, oldest first
	 */
	List<Numbered> tail(int tail) {
		List<Numbered> all = new ArrayList<>(this.lines);
		return (tail >= all.size()) ? all : List.copyOf(all.subList(all.size() - tail, all.size()));
	}

	private static long size(LogLine line) {
		return line.line().length() * 2L + 64;
	}

	/**
	 * A line with its number in the deployment's event sequence.
	 *
	 * @param sequence its number
	 * @param line the line
	 */
	record Numbered(long sequence, LogLine line) {
	}

}
