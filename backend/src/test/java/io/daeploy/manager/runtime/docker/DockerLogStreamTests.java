package io.daeploy.manager.runtime.docker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.daeploy.manager.runtime.LogLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Docker's log formats read from fake frames: lines joined across frames, both streams
 * kept apart, TTY streams told apart from multiplexed ones, long lines cut, and the body
 * read only as far as the subscriber has asked.
 */
class DockerLogStreamTests {

	private static final String T1 = "2026-12-01T10:00:00.000000001Z";

	private static final String T2 = "2026-12-01T10:00:01.5Z";

	private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 100, "test-logs");

	@AfterEach
	void dispose() {
		this.scheduler.dispose();
	}

	@Test
	void multiplexedFramesBecomeLinesOfTheirOwnStreams() throws IOException {
		byte[] body = concat(frame(1, T1 + " hello\n" + T1 + " wor"), frame(2, T2 + " oops\n"), frame(1, "ld\n"));
		List<LogLine> lines = read(body, null);
		assertThat(lines).extracting(LogLine::stream, LogLine::line)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDOUT, "hello"),
					org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDERR, "oops"),
					org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDOUT, "world"));
		assertThat(lines.get(0).timestamp()).isEqualTo(Instant.parse(T1));
		assertThat(lines.get(1).timestamp()).isEqualTo(Instant.parse(T2));
	}

	@Test
	void aMultiByteCharacterSplitAcrossFramesSurvives() throws IOException {
		byte[] text = (T1 + " h\u00e9llo \u2603\n").getBytes(StandardCharsets.UTF_8);
		int cut = text.length - 3;
		byte[] body = concat(frame(1, java.util.Arrays.copyOfRange(text, 0, cut)),
				frame(1, java.util.Arrays.copyOfRange(text, cut, text.length)));
		assertThat(read(body, null)).extracting(LogLine::line).containsExactly("h\u00e9llo \u2603");
	}

	@Test
	void aTtyStreamIsReadRaw() throws IOException {
		byte[] body = (T1 + " first\r\n" + T2 + " second\n" + T2 + " unfinished").getBytes(StandardCharsets.UTF_8);
		assertThat(read(body, null)).extracting(LogLine::line).containsExactly("first", "second", "unfinished");
	}

	@Test
	void linesBeforeSinceAreSkipped() throws IOException {
		byte[] body = concat(frame(1, T1 + " old\n"), frame(1, T2 + " new\n"));
		assertThat(read(body, Instant.parse(T2))).extracting(LogLine::line).containsExactly("new");
	}

	@Test
	void aLineLongerThanTheLimitIsCutIntoPiecesWithItsTimestamp() throws IOException {
		String huge = "x".repeat(DockerLogStream.MAX_LINE * 2 + 10);
		byte[] body = frame(1, T1 + " " + huge + "\n");
		List<LogLine> lines = read(body, null);
		assertThat(lines).hasSize(3);
		assertThat(lines).allSatisfy((line) -> {
			assertThat(line.line().length()).isLessThanOrEqualTo(DockerLogStream.MAX_LINE);
			assertThat(line.timestamp()).isEqualTo(Instant.parse(T1));
		});
		assertThat(String.join("", lines.stream().map(LogLine::line).toList())).isEqualTo(huge);
	}

	@Test
	void theBodyIsReadOnlyAsFarAsTheSubscriberAsked() throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (int i = 0; i < 10_000; i++) {
			all.write(frame(1, T1 + " line " + i + "\n"));
		}
		CountingStream counting = new CountingStream(all.toByteArray());
		StepVerifier.create(DockerLogStream.lines(() -> body(counting), null, this.scheduler), 0)
			.thenRequest(3)
			.expectNextCount(3)
			.then(() -> assertThat(counting.read.get()).isLessThan(3 * 200))
			.thenRequest(10)
			.expectNextCount(10)
			.then(() -> assertThat(counting.read.get()).isLessThan(13 * 200))
			.thenCancel()
			.verify(Duration.ofSeconds(10));
		assertThat(counting.closed.get()).isTrue();
	}

	@Test
	void cancellingWhileWaitingForALineClosesTheBodyAndFreesTheThread() throws InterruptedException {
		BlockingStream blocking = new BlockingStream();
		StepVerifier.create(DockerLogStream.lines(() -> body(blocking), null, this.scheduler))
			.then(() -> await().atMost(Duration.ofSeconds(5)).until(() -> blocking.waiting.getCount() == 0))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(blocking.released.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aBrokenBodyIsAnError() {
		InputStream broken = new InputStream() {

			@Override
			public int read() throws IOException {
				throw new IOException("connection reset");
			}

		};
		StepVerifier.create(DockerLogStream.lines(() -> body(broken), null, this.scheduler))
			.expectErrorMessage("connection reset")
			.verify(Duration.ofSeconds(5));
	}

	private List<LogLine> read(byte[] body, Instant since) {
		return DockerLogStream.lines(() -> body(new ByteArrayInputStream(body)), since, this.scheduler)
			.collectList()
			.block(Duration.ofSeconds(10));
	}

	private static DockerLogStream.Body body(InputStream in) {
		AtomicBoolean closed = new AtomicBoolean();
		return new DockerLogStream.Body() {

			@Override
			public InputStream stream() {
				return in;
			}

			@Override
			public boolean isClosed() {
				return closed.get();
			}

			@Override
			public void close() {
				closed.set(true);
				try {
					in.close();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}

		};
	}

	private static byte[] frame(int stream, String payload) {
		return frame(stream, payload.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] frame(int stream, byte[] payload) {
		byte[] frame = new byte[8 + payload.length];
		frame[0] = (byte) stream;
		frame[4] = (byte) (payload.length >>> 24);
		frame[5] = (byte) (payload.length >>> 16);
		frame[6] = (byte) (payload.length >>> 8);
		frame[7] = (byte) payload.length;
		System.arraycopy(payload, 0, frame, 8, payload.length);
		return frame;
	}

	private static byte[] concat(byte[]... parts) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.write(part);
		}
		return out.toByteArray();
	}

	/**
	 * Counts the bytes taken from it.
	 */
	private static final class CountingStream extends ByteArrayInputStream {

		final AtomicLong read = new AtomicLong();

		final AtomicBoolean closed = new AtomicBoolean();

		CountingStream(byte[] bytes) {
			super(bytes);
		}

		@Override
		public synchronized int read(byte[] b, int off, int len) {
			int n = super.read(b, off, len);
			if (n > 0) {
				this.read.addAndGet(n);
			}
			return n;
		}

		@Override
		public void close() {
			this.closed.set(true);
		}

	}

	/**
	 * Never has a byte to give, until closed: a follow on a silent container.
	 */
	private static final class BlockingStream extends InputStream {

		final CountDownLatch waiting = new CountDownLatch(1);

		final CountDownLatch released = new CountDownLatch(1);

		private final CountDownLatch closed = new CountDownLatch(1);

		@Override
		public int read() throws IOException {
			return read(new byte[1], 0, 1);
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			this.waiting.countDown();
			try {
				this.closed.await();
			}
			catch (InterruptedException ex) {
				// the scheduler's worker was disposed: freed as well
				Thread.currentThread().interrupt();
				this.released.countDown();
				throw new InterruptedIOException();
			}
			this.released.countDown();
			throw new IOException("closed");
		}

		@Override
		public void close() {
			this.closed.countDown();
		}

	}

}
