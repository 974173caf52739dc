package io.daeploy.manager.proxy.traefik;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The supervised child process. Traefik itself is not installable here, so the child is a
 * real shell script that behaves like a crashing or a long-running Traefik.
 */
@ExtendWith(OutputCaptureExtension.class)
class TraefikProcessTests {

	private static final Duration DEADLINE = Duration.ofSeconds(4);

	@TempDir
	Path directory;

	private final List<String> crashes = new CopyOnWriteArrayList<>();

	private final List<TraefikProcess> started = new ArrayList<>();

	@AfterEach
	void stopAll() {
		this.started.forEach(TraefikProcess::stop);
	}

	@Test
	void aCrashIsLoggedReportedAndRestarted(CapturedOutput captured) throws Exception {
		Path starts = this.directory.resolve("starts");
		Path script = script("""
				echo "$@" >> '%s'
				echo 'level=info msg=started'
				echo 'level=error msg=boom' >&2
				exit 3
				""".formatted(starts));
		TraefikProcess process = start(script, Duration.ofMillis(50), Duration.ofMillis(100));

		awaitTrue(() -> lines(starts).size() >= 3);
		assertThat(lines(starts)).allSatisfy((arguments) -> assertThat(arguments)
			.isEqualTo("--configFile=" + this.directory.resolve("traefik.toml")));
		awaitTrue(() -> this.crashes.size() >= 2);
		assertThat(this.crashes).allSatisfy((crash) -> assertThat(crash).contains("exit code 3"));
		awaitTrue(() -> captured.getOut().contains("msg=boom"));
		assertThat(captured.getOut().lines().filter((line) -> line.contains("level=info msg=started"))).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).contains("INFO").contains("traefik"));
		assertThat(captured.getOut().lines().filter((line) -> line.contains("level=error msg=boom"))).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).contains("WARN").contains("traefik"));
		assertThat(captured.getOut()).contains("exit code 3");

		process.stop();
		int startsAfterStop = lines(starts).size();
		// for several times the longest backoff, no restart shows
		Awaitility.await()
			.during(Duration.ofMillis(400))
			.atMost(Duration.ofSeconds(2))
			.until(() -> lines(starts).size() == startsAfterStop);
	}

	@Test
	void theBackoffDoublesUpToItsMaximum() throws Exception {
		Path starts = this.directory.resolve("starts");
		Path script = script("""
				date +%%s%%N >> '%s'
				exit 1
				""".formatted(starts));
		TraefikProcess process = start(script, Duration.ofMillis(100), Duration.ofMillis(300));
		awaitTrue(() -> lines(starts).size() >= 5);
		process.stop();

		List<Long> at = lines(starts).stream().map(Long::parseLong).toList();
		long[] minimumGaps = { 100, 200, 300, 300 };
		for (int i = 0; i < minimumGaps.length; i++) {
			assertThat(Duration.ofNanos(at.get(i + 1) - at.get(i)).toMillis()).as("gap %d", i)
				.isGreaterThanOrEqualTo(minimumGaps[i]);
		}
	}

	@Test
	void stopEndsALongRunningProcessWithoutRestartingIt(CapturedOutput captured) throws Exception {
		Path pidFile = this.directory.resolve("pid");
		Path script = script("""
				echo $$ >> '%s'
				echo 'level=info msg="Configuration loaded"'
				exec sleep 600
				""".formatted(pidFile));
		TraefikProcess process = start(script, Duration.ofMillis(50), Duration.ofMillis(100));
		awaitTrue(() -> lines(pidFile).size() == 1);
		long pid = Long.parseLong(lines(pidFile).get(0));
		assertThat(ProcessHandle.of(pid)).hasValueSatisfying((handle) -> assertThat(handle.isAlive()).isTrue());
		awaitTrue(() -> captured.getOut().contains("Configuration loaded"));

		process.stop();

		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
		// for longer than the backoff, no restart shows
		Awaitility.await()
			.during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.until(() -> lines(pidFile).size() == 1);
		assertThat(this.crashes).isEmpty();
	}

	@Test
	void aMissingBinaryIsReportedAndRetried() throws Exception {
		start(this.directory.resolve("no-such-traefik"), Duration.ofMillis(20), Duration.ofMillis(40));
		awaitTrue(() -> this.crashes.size() >= 2);
		assertThat(this.crashes.get(0)).startsWith("Traefik could not be started");
	}

	private TraefikProcess start(Path binary, Duration initialBackoff, Duration maxBackoff) {
		TraefikProcess process = new TraefikProcess(binary, this.directory.resolve("traefik.toml"), this.crashes::add,
				initialBackoff, maxBackoff, Duration.ofSeconds(30));
		this.started.add(process);
		process.start();
		return process;
	}

	private Path script(String body) throws IOException {
		Path script = this.directory.resolve("traefik.sh");
		Files.writeString(script, "#!/bin/sh\n" + body);
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		return script;
	}

	private static List<String> lines(Path file) {
		try {
			return Files.exists(file) ? Files.readAllLines(file) : List.of();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitTrue(BooleanSupplier condition) {
		Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
	}

}
