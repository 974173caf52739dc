package io.daeploy.manager.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;

import io.daeploy.manager.runtime.LogLine;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * A Docker log stream ({@code GET /containers/{id}/logs} with timestamps) read as lines.
 * <p>
 * The body is pulled: a line is read from the engine's stream only when the subscriber
 * has asked for one, so a slow subscriber slows the engine's stream through TCP instead
 * of filling memory. Both of Docker's formats are read: multiplexed frames (an 8-byte
 * header naming stdout or stderr and the payload size) for containers without a TTY, and
 * the raw stream of TTY containers; which one comes is told by the first bytes, since
 * before API 1.42 the engine labels both the same. A line split across frames is joined;
 * a line longer than {@link #MAX_LINE} bytes is cut into pieces of that size, so no
 * buffer grows without bound.
 */
final class DockerLogStream {

	/** The longest line held in memory; longer ones are cut. */
	static final int MAX_LINE = 64 * 1024;

	private static final int CHUNK = 8192;

	private DockerLogStream() {
	}

	/**
	 * The lines of a log stream.
	 * @param open opens the stream: called once per subscription, on the scheduler
	 * @param since only lines written at or after this time, or {@code null}
	 * @param scheduler where the blocking reads run; each open stream holds one of its
	 * threads while it waits for a line
	 * @return the lines, oldest first; cancelling closes the stream
	 */
	static Flux<LogLine> lines(Callable<Body> open, Instant since, Scheduler scheduler) {
		return Flux.using(open,
				(body) -> Flux.<LogLine, Reader>generate(() -> new Reader(body.stream(), since), (reader, sink) -> {
					try {
						LogLine line = reader.next();
						if (line != null) {
							sink.next(line);
						}
						else {
							sink.complete();
						}
					}
					catch (IOException ex) {
						if (body.isClosed()) {
							// closed by a cancel while waiting for a line
							sink.complete();
						}
						else {
							sink.error(ex);
						}
					}
					return reader;
				}), Body::close)
			.subscribeOn(scheduler);
	}

	/**
	 * An open log stream.
	 */
	interface Body extends Closeable {

		/**
		 * The stream's bytes.
		 * @return the body
		 */
		InputStream stream();

		/**
		 * Whether {@link #close()} was called.
		 * @return {@code true} once closed
		 */
		boolean isClosed();

		@Override
		void close();

	}

	/**
	 * An open log stream read through another stream of its bytes (one that watches the
	 * reads, say); closing it closes the stream underneath.
	 */
	static class FilteredBody implements Body {

		private final Body body;

		private final InputStream stream;

		FilteredBody(Body body, InputStream stream) {
			this.body = body;
			this.stream = stream;
		}

		@Override
		public InputStream stream() {
			return this.stream;
		}

		@Override
		public boolean isClosed() {
			return this.body.isClosed();
		}

		@Override
		public void close() {
			this.body.close();
		}

	}

	/**
	 * Turns the stream's bytes into lines, one frame at a time.
	 */
	static final class Reader {

		private final InputStream in;

		private final Instant since;

		private final ByteArrayOutputStream[] partial = { new ByteArrayOutputStream(), new ByteArrayOutputStream() };

		private final ArrayDeque<LogLine> ready = new ArrayDeque<>();

		/** The time of the line a stream's pending bytes continue, after a cut. */
		private final Instant[] continuing = new Instant[2];

		private final byte[] header = new byte[8];

		private final byte[] chunk = new byte[CHUNK];

		private Boolean multiplexed;

		private boolean ended;

		Reader(InputStream in, Instant since) {
			this.in = in;
			this.since = since;
		}

		/**
		 * The next line, reading as little of the stream as it takes.
		 * @return the line, or {@code null} at the end of the stream
		 * @throws IOException when reading fails
		 */
		LogLine next() throws IOException {
			while (this.ready.isEmpty()) {
				if (this.ended) {
					return null;
				}
				readSome();
			}
			return this.ready.poll();
		}

		private void readSome() throws IOException {
			if (this.multiplexed == null) {
				int read = this.in.readNBytes(this.header, 0, 8);
				if (read == 0) {
					end();
					return;
				}
				this.multiplexed = read == 8 && this.header[0] >= 0 && this.header[0] <= 2 && this.header[1] == 0
						&& this.header[2] == 0 && this.header[3] == 0;
				if (this.multiplexed) {
					frame();
				}
				else {
					append(LogLine.Stream.STDOUT, this.header, 0, read);
					if (read < 8) {
						end();
					}
				}
				return;
			}
			if (this.multiplexed) {
				int read = this.in.readNBytes(this.header, 0, 8);
				if (read < 8) {
					end();
					return;
				}
				frame();
			}
			else {
				int read = this.in.read(this.chunk);
				if (read < 0) {
					end();
					return;
				}
				append(LogLine.Stream.STDOUT, this.chunk, 0, read);
			}
		}

		/**
		 * Reads the payload of the frame whose header was just read.
		 */
		private void frame() throws IOException {
			LogLine.Stream stream = (this.header[0] == 2) ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT;
			long size = ((this.header[4] & 0xFFL) << 24) | ((this.header[5] & 0xFFL) << 16)
					| ((this.header[6] & 0xFFL) << 8) | (this.header[7] & 0xFFL);
			while (size > 0) {
				int read = this.in.read(this.chunk, 0, (int) Math.min(size, CHUNK));
				if (read < 0) {
					end();
					return;
				}
				append(stream, this.chunk, 0, read);
				size -= read;
			}
		}

		private void append(LogLine.Stream stream, byte[] bytes, int offset, int length) {
			ByteArrayOutputStream pending = this.partial[stream.ordinal()];
			int start = offset;
			for (int i = offset; i < offset + length; i++) {
				if (bytes[i] == '\n') {
					pending.write(bytes, start, i - start);
					flush(stream);
					start = i + 1;
				}
				else if (pending.size() + (i - start) >= MAX_LINE) {
					pending.write(bytes, start, i - start);
					LogLine piece = flush(stream);
					this.continuing[stream.ordinal()] = (piece != null) ? piece.timestamp() : Instant.now();
					start = i;
				}
			}
			pending.write(bytes, start, offset + length - start);
		}

		private void end() {
			this.ended = true;
			for (LogLine.Stream stream : LogLine.Stream.values()) {
				if (this.partial[stream.ordinal()].size() > 0) {
					flush(stream);
				}
			}
		}

		private LogLine flush(LogLine.Stream stream) {
			ByteArrayOutputStream pending = this.partial[stream.ordinal()];
			String entry = pending.toString(StandardCharsets.UTF_8);
			pending.reset();
			Instant continued = this.continuing[stream.ordinal()];
			this.continuing[stream.ordinal()] = null;
			// the rest of a cut line has no timestamp of its own
			LogLine line;
			if (continued != null) {
				line = entry.isEmpty() ? null : new LogLine(continued, stream, entry, null);
			}
			else {
				line = parse(entry, stream);
			}
			if (line != null && (this.since == null || !line.timestamp().isBefore(this.since))) {
				this.ready.add(line);
			}
			return line;
		}

	}

	/**
	 * Reads Docker's own form of a log timestamp, RFC 3339 in UTC with up to nine
	 * fraction digits ({@code 2026-12-03T19:04:12.787200710Z}), by position: a
	 * {@code DateTimeFormatter} took a tenth of the manager's CPU on a log burst.
	 * @param entry the log entry
	 * @param end where the timestamp ends (the space after it)
	 * @return the instant, or {@code null} when the text is of another form, which
	 * {@link Instant#parse} then reads
	 */
	static Instant timestamp(String entry, int end) {
		if (end < 20 || end > 30 || entry.charAt(end - 1) != 'Z' || entry.charAt(4) != '-' || entry.charAt(7) != '-'
				|| entry.charAt(10) != 'T' || entry.charAt(13) != ':' || entry.charAt(16) != ':') {
			return null;
		}
		int year = digits(entry, 0, 4);
		int month = digits(entry, 5, 7);
		int day = digits(entry, 8, 10);
		int hour = digits(entry, 11, 13);
		int minute = digits(entry, 14, 16);
		int second = digits(entry, 17, 19);
		int nanos = 0;
		if (end > 20) {
			int fraction = end - 21;
			if (entry.charAt(19) != '.' || fraction < 1 || fraction > 9) {
				return null;
			}
			nanos = digits(entry, 20, end - 1);
			for (int i = fraction; i < 9 && nanos >= 0; i++) {
				nanos *= 10;
			}
		}
		if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
				|| minute > 59 || second < 0 || second > 59 || nanos < 0) {
			return null;
		}
		try {
			long days = LocalDate.of(year, month, day).toEpochDay();
			return Instant.ofEpochSecond(days * 86400 + hour * 3600 + minute * 60 + second, nanos);
		}
		catch (DateTimeException ex) {
			// e.g. 31 April
			return null;
		}
	}

	/**
	 * The decimal number in {@code text[from, to)}, or -1 when a character is no digit.
	 */
	private static int digits(String text, int from, int to) {
		int value = 0;
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

	/**
	 * Splits one entry of a timestamped Docker log into its time and text.
	 * @param entry the entry, without its line break
	 * @param stream where it was written
	 * @return the line, or {@code null} for an empty entry
	 */
	static LogLine parse(String entry, LogLine.Stream stream) {
		if (entry.isEmpty()) {
			return null;
		}
		int space = entry.indexOf(' ');
		Instant timestamp = null;
		if (space > 0 && space < 40) {
			timestamp = timestamp(entry, space);
			if (timestamp == null) {
				try {
					timestamp = Instant.parse(entry.substring(0, space));
				}
				catch (DateTimeParseException ex) {
					timestamp = null;
				}
			}
		}
		String text = (timestamp != null) ? entry.substring(space + 1) : entry;
		if (text.endsWith("\r")) {
			text = text.substring(0, text.length() - 1);
		}
		return new LogLine((timestamp != null) ? timestamp : Instant.now(), stream, text, null);
	}

}
