package io.daeploy.manager.runtime.docker;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import io.daeploy.manager.TestDocker;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.runtime.ContainerSpec;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Followed logs, against a real container's log.
 * <p>
 * A followed log has every line once and in order past the faults of Docker 20.10's
 * json-file follower: a stream that leaves out the start of a burst, and one that stops
 * until the container writes again. The engine's stream is broken here on purpose (frames
 * left out, bytes that stop), so the real engine answers the checks and serves the
 * streams that follow.
 * <p>
 * And as many streams open as the bound allows, each at once, and no more.
 */
class FollowedLogTests {

	private static final int LINES = 20_000;

	/** More than the 64 connections of the engine clients' pools. */
	private static final int MAX_STREAMS = 70;

	private final String instance = "stalltest" + UUID.randomUUID().toString().substring(0, 8);

	private final String network = "daeploy-" + this.instance + "-network";

	private final DockerClient docker = TestDocker.client();

	private final Scheduler scheduler = Schedulers.newBoundedElastic(16, 1000, "test-docker");

	private final Scheduler logScheduler = Schedulers.newBoundedElastic(MAX_STREAMS + 1, 16, "test-docker-logs");

	private final DockerRuntimeConnector connector = new DockerRuntimeConnector(TestDocker.client(),
			TestDocker.client(),
			DockerConfiguration.logClient(DefaultDockerClientConfig.createDefaultConfigBuilder().build(), MAX_STREAMS),
			this.scheduler, this.logScheduler,
			new DockerRuntimeConnector.Settings(this.network, this.instance, true, MAX_STREAMS));

	private final AtomicInteger opened = new AtomicInteger();

	@BeforeAll
	static void images() {
		TestImages.ensure();
	}

	@AfterEach
	void cleanUp() throws Exception {
		try {
			for (Container container : this.docker.listContainersCmd()
				.withShowAll(true)
				.withLabelFilter(Map.of("daeploy.instance", this.instance))
				.exec()) {
				this.docker.removeContainerCmd(container.getId()).withForce(true).exec();
			}
			for (Network made : this.docker.listNetworksCmd().withNameFilter(this.network).exec()) {
				this.docker.removeNetworkCmd(made.getId()).exec();
			}
		}
		finally {
			this.connector.close();
			this.scheduler.dispose();
			this.logScheduler.dispose();
			this.docker.close();
		}
	}

	@Test
	void aStreamStoppedInTheMiddleOfTheLogGoesOnFromItsLastLineWithEachLineOnce() {
		deploy("seq 1 " + LINES + "; exec sleep 3600", LINES);
		List<String> lines = this.connector.followed("lines", "1", -1, null, stallFirst(200_000))
			.map(LogLine::line)
			.take(LINES)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(lines).containsExactlyElementsOf(numbers(LINES));
		assertThat(this.opened).hasValue(2);
	}

	@Test
	void aStreamStoppedBeforeItsFirstLineIsAskedAgainWhenItWantedTheHistory() {
		deploy("seq 1 " + LINES + "; exec sleep 3600", LINES);
		List<String> lines = this.connector.followed("lines", "1", 500, null, stallFirst(0))
			.map(LogLine::line)
			.take(500)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(lines).containsExactlyElementsOf(numbers(LINES).subList(LINES - 500, LINES));
		assertThat(this.opened).hasValue(2);
	}

	@Test
	void aQuietLogAndASlowReaderAreNotTakenForAStall() {
		deploy("seq 1 10; exec sleep 3600", 10);
		Duration pastCheck = DockerRuntimeConnector.STALL_CHECK.multipliedBy(2);
		StepVerifier.create(this.connector.followed("lines", "1", -1, null, counted()).map(LogLine::line), 5)
			.expectNext("1", "2", "3", "4", "5")
			// nothing asked: the stream is not read, so it does not wait
			.thenAwait(pastCheck)
			.thenRequest(100)
			.expectNext("6", "7", "8", "9", "10")
			// the read waits, and the log has nothing newer
			.thenAwait(pastCheck)
			.expectNoEvent(Duration.ofMillis(100))
			.thenCancel()
			.verify(Duration.ofSeconds(60));
		assertThat(this.opened).hasValue(1);
	}

	@Test
	void aStreamThatLeavesOutTheStartOfABurstGetsTheLinesItLeftOutFirst() throws InterruptedException {
		this.connector
			.deploy(new ContainerSpec("lines", "1", TestImages.BUSYBOX, 8000, Map.of(),
					List.of("sh", "-c",
							"while [ ! -f /tmp/go ]; do usleep 100000; done; seq 1 " + LINES + "; exec sleep 3600"),
					List.of(), Map.of(), ContainerSpec.RestartPolicy.NO, null, null))
			.block(Duration.ofSeconds(60));
		List<String> lines = new ArrayList<>();
		CountDownLatch all = new CountDownLatch(1);
		Disposable following = this.connector.followed("lines", "1", 1000, null, (body) -> {
			this.opened.incrementAndGet();
			return new DockerLogStream.FilteredBody(body, new LeavingOutStream(body.stream(), 5000));
		}).map(LogLine::line).subscribe((line) -> {
			lines.add(line);
			if (lines.size() == LINES) {
				all.countDown();
			}
		});
		try {
			// the stream is open before the burst: its first lines are new ones
			await().atMost(Duration.ofSeconds(30)).until(() -> this.opened.get() == 1);
			Thread.sleep(500);
			String exec = this.docker.execCreateCmd(this.connector.containerName("lines", "1"))
				.withCmd("/bin/busybox", "touch", "/tmp/go")
				.exec()
				.getId();
			this.docker.execStartCmd(exec).exec(new ResultCallback.Adapter<>()).awaitCompletion(30, TimeUnit.SECONDS);
			assertThat(all.await(60, TimeUnit.SECONDS)).as("all lines, %s so far", lines.size()).isTrue();
			assertThat(lines).containsExactlyElementsOf(numbers(LINES));
		}
		finally {
			following.dispose();
		}
	}

	@Test
	void everyStreamTheBoundAllowsOpensAtOnceAndTheNextIsRefused() throws InterruptedException {
		deploy("seq 1 10; exec sleep 3600", 10);
		List<Disposable> open = new ArrayList<>();
		try {
			CountDownLatch first = new CountDownLatch(MAX_STREAMS);
			for (int i = 0; i < MAX_STREAMS; i++) {
				open.add(this.connector.logs("lines", "1", 1, null, true).subscribe((line) -> first.countDown()));
			}
			assertThat(first.await(60, TimeUnit.SECONDS)).as("every stream's first line").isTrue();
			assertThatExceptionOfType(RuntimeFailure.class)
				.isThrownBy(() -> this.connector.logs("lines", "1", 1, null, true).blockFirst(Duration.ofSeconds(30)))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(RuntimeFailure.Kind.REFUSED))
				.withMessageContaining("Too many log streams");
			open.remove(0).dispose();
			assertThat(this.connector.logs("lines", "1", 1, null, true)
				.map(LogLine::line)
				.blockFirst(Duration.ofSeconds(30))).isEqualTo("10");
		}
		finally {
			open.forEach(Disposable::dispose);
		}
	}

	private void deploy(String script, int lines) {
		this.connector
			.deploy(new ContainerSpec("lines", "1", TestImages.BUSYBOX, 8000, Map.of(), List.of("sh", "-c", script),
					List.of(), Map.of(), ContainerSpec.RestartPolicy.NO, null, null))
			.block(Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.connector.logs("lines", "1", -1, null, false).count().block() == lines);
	}

	private static List<String> numbers(int count) {
		return IntStream.rangeClosed(1, count).mapToObj(Integer::toString).toList();
	}

	private UnaryOperator<DockerLogStream.Body> counted() {
		return (body) -> {
			this.opened.incrementAndGet();
			return body;
		};
	}

	/**
	 * Stalls the first stream after its first bytes, as the engine does: no more bytes,
	 * no end, until it is closed.
	 */
	private UnaryOperator<DockerLogStream.Body> stallFirst(int bytes) {
		return (body) -> (this.opened.incrementAndGet() == 1)
				? new DockerLogStream.FilteredBody(body, new StallingStream(body, bytes)) : body;
	}

	/**
	 * Leaves out a stream's first frames, as the engine does with the start of a burst.
	 */
	private static final class LeavingOutStream extends FilterInputStream {

		private int left;

		LeavingOutStream(InputStream in, int frames) {
			super(in);
			this.left = frames;
		}

		@Override
		public int read() throws IOException {
			skip();
			return super.read();
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			skip();
			return super.read(buffer, offset, length);
		}

		private void skip() throws IOException {
			while (this.left > 0) {
				byte[] header = this.in.readNBytes(8);
				if (header.length < 8) {
					return;
				}
				long size = ((header[4] & 0xFFL) << 24) | ((header[5] & 0xFFL) << 16) | ((header[6] & 0xFFL) << 8)
						| (header[7] & 0xFFL);
				this.in.skipNBytes(size);
				this.left--;
			}
		}

	}

	/**
	 * Passes a stream's first bytes on, then stops, as the engine does: no more bytes, no
	 * end, until the stream is closed.
	 */
	private static final class StallingStream extends FilterInputStream {

		private final DockerLogStream.Body body;

		private int left;

		StallingStream(DockerLogStream.Body body, int bytes) {
			super(body.stream());
			this.body = body;
			this.left = bytes;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xFF);
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.left == 0) {
				await().forever().pollInterval(Duration.ofMillis(10)).until(this.body::isClosed);
				throw new IOException("closed");
			}
			int read = super.read(buffer, offset, Math.min(length, this.left));
			if (read > 0) {
				this.left -= read;
			}
			return read;
		}

	}

}
