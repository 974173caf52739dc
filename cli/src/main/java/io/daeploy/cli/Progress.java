package io.daeploy.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An upload's progress on standard error, one line rewritten at most ten times a second:
 * bytes sent, and the share of the whole when its size is known.
 */
final class Progress {

	private static final long EVERY_NANOS = 100_000_000L;

	private final PrintWriter err;

	private final String what;

	private final long total;

	private final boolean quiet;

	private final AtomicLong sent = new AtomicLong();

	private final long started = System.nanoTime();

	private long shown;

	/**
	 * Progress of one upload.
	 * @param err where it is shown
	 * @param what what is uploaded, e.g. a file name
	 * @param total its size in bytes, or a negative number when unknown
	 * @param quiet whether to show nothing (for {@code --json})
	 */
	Progress(PrintWriter err, String what, long total, boolean quiet) {
		this.err = err;
		this.what = what;
		this.total = total;
		this.quiet = quiet;
	}

	/**
	 * A stream counting what is read through it.
	 * @param in the stream
	 * @return the counting stream
	 */
	InputStream counting(InputStream in) {
		return new FilterInputStream(in) {

			@Override
			public int read() throws IOException {
				int b = super.read();
				if (b >= 0) {
					add(1);
				}
				return b;
			}

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				int n = super.read(buffer, offset, length);
				if (n > 0) {
					add(n);
				}
				return n;
			}

		};
	}

	void add(long bytes) {
		long now = System.nanoTime();
		this.sent.addAndGet(bytes);
		synchronized (this) {
			if (now - this.shown >= EVERY_NANOS) {
				this.shown = now;
				show("\r");
			}
		}
	}

	/** Ends the line, with the final figures. */
	synchronized void done() {
		show("\r");
		if (!this.quiet) {
			this.err.println();
			this.err.flush();
		}
	}

	long sent() {
		return this.sent.get();
	}

	/**
	 * The line shown.
	 * @return e.g. {@code Uploading app.tar.gz: 1.2 MB of 3.0 MB (40%)}
	 */
	String line() {
		long bytes = this.sent.get();
		String line = "Uploading " + this.what + ": " + size(bytes);
		if (this.total > 0) {
			line += " of " + size(this.total) + " (" + Math.min(100, bytes * 100 / this.total) + "%)";
		}
		double seconds = (System.nanoTime() - this.started) / 1e9;
		return line + String.format(Locale.ROOT, ", %.1f s", seconds);
	}

	private void show(String prefix) {
		if (!this.quiet) {
			this.err.print(prefix + line());
			this.err.flush();
		}
	}

	/**
	 * A size for people.
	 * @param bytes the size in bytes
	 * @return e.g. {@code 512 B}, {@code 1.5 kB}, {@code 3.2 MB}
	 */
	static String size(long bytes) {
		if (bytes < 1000) {
			return bytes + " B";
		}
		if (bytes < 1_000_000) {
			return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
		}
		if (bytes < 1_000_000_000) {
			return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
		}
		return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
	}

}
