package io.daeploy.manager.proxy.traefik;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Traefik run as a supervised child process:
 * {@code <binary> --configFile=<static config>}. Its output (stdout and stderr merged) is
 * logged line by line through the logger named {@code traefik}: at INFO, or at WARN for
 * lines that look like errors (Traefik's {@code ERR}/{@code FTL} console levels,
 * {@code level=error} or JSON {@code "level":"error"}).
 * <p>
 * When the process exits without being asked to, a warning with its exit code is logged,
 * the crash listener is told, and it is started again after a backoff that starts at
 * {@code initialBackoff} and doubles up to {@code maxBackoff}; once a run has lasted
 * {@code stableAfter} the backoff starts over. {@link #stop()} ends the process through
 * its own handle (never by name) and no restart follows. A daemon thread supervises the
 * process and waits on it without polling.
 */
public final class TraefikProcess {

	private static final Log output = LogFactory.getLog("traefik");

	private static final Log logger = LogFactory.getLog(TraefikProcess.class);

	private static final Pattern ERROR = Pattern
		.compile("(?i)level=\"?(error|fatal|panic)|\"level\"\\s*:\\s*\"(error|fatal|panic)\"|(^|\\s)(ERR|FTL|PNC)\\s");

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final List<String> command;

	private final Consumer<String> crashListener;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private final Duration stableAfter;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private Thread supervisor;

	private Process process;

	/**
	 * Creates the supervisor with the usual backoff: 1 s doubling up to 60 s, starting
	 * over after a run of 60 s.
	 * @param binary the Traefik executable
	 * @param configFile the static configuration file
	 * @param crashListener told, with a message holding the exit code, each time Traefik
	 * exits unexpectedly or cannot be started
	 */
	public TraefikProcess(Path binary, Path configFile, Consumer<String> crashListener) {
		this(binary, configFile, crashListener, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60));
	}

	/**
	 * Creates the supervisor.
	 * @param binary the Traefik executable
	 * @param configFile the static configuration file
	 * @param crashListener told, with a message holding the exit code, each time Traefik
	 * exits unexpectedly or cannot be started
	 * @param initialBackoff the wait before the first restart
	 * @param maxBackoff the longest wait between restarts
	 * @param stableAfter a run at least this long resets the backoff
	 */
	public TraefikProcess(Path binary, Path configFile, Consumer<String> crashListener, Duration initialBackoff,
			Duration maxBackoff, Duration stableAfter) {
		this.command = List.of(binary.toString(), "--configFile=" + configFile);
		this.crashListener = crashListener;
		this.initialBackoff = initialBackoff;
		this.maxBackoff = maxBackoff;
		this.stableAfter = stableAfter;
	}

	/**
	 * Starts the process and its supervision; returns at once.
	 * @throws IllegalStateException when already started
	 */
	public synchronized void start() {
		if (this.supervisor != null) {
			throw new IllegalStateException("Traefik was already started");
		}
		this.supervisor = new Thread(this::supervise, "traefik-supervisor");
		this.supervisor.setDaemon(true);
		this.supervisor.start();
	}

	/**
	 * Ends the process (politely, then forcibly after 10 s) and its supervision; no
	 * restart follows. Returns once the process is gone.
	 */
	public void stop() {
		Process running;
		Thread watching;
		synchronized (this) {
			if (this.stopped.getCount() == 0) {
				return;
			}
			this.stopped.countDown();
			running = this.process;
			watching = this.supervisor;
		}
		if (running != null) {
			end(running);
		}
		if (watching != null) {
			try {
				watching.join(STOP_TIMEOUT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static void end(Process process) {
		process.destroy();
		try {
			if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Traefik (pid " + process.pid() + ") did not stop within " + STOP_TIMEOUT.toSeconds()
						+ " s; killing it");
				process.destroyForcibly();
				process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private void supervise() {
		Duration backoff = this.initialBackoff;
		try {
			while (true) {
				long startedAt = System.nanoTime();
				String crash;
				try {
					Process started = launch();
					if (started == null) {
						return;
					}
					int exitCode = started.waitFor();
					synchronized (this) {
						this.process = null;
						if (this.stopped.getCount() == 0) {
							return;
						}
					}
					crash = "Traefik exited unexpectedly with exit code " + exitCode;
				}
				catch (UncheckedIOException ex) {
					crash = "Traefik could not be started: " + ex.getCause().getMessage();
				}
				if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(this.stableAfter) >= 0) {
					backoff = this.initialBackoff;
				}
				logger.warn(crash + "; restarting in " + backoff.toMillis() + " ms");
				tell(crash);
				if (this.stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
					return;
				}
				backoff = min(backoff.multipliedBy(2), this.maxBackoff);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Starts the process unless stopped, under the lock so that {@link #stop()} always
	 * sees the process it has to end.
	 */
	private synchronized Process launch() {
		if (this.stopped.getCount() == 0) {
			return null;
		}
		try {
			Process started = new ProcessBuilder(this.command).redirectErrorStream(true).start();
			this.process = started;
			logger.info("Started Traefik (pid " + started.pid() + "): " + String.join(" ", this.command));
			Thread pump = new Thread(() -> pump(started), "traefik-output-" + started.pid());
			pump.setDaemon(true);
			pump.start();
			return started;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void pump(Process process) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				if (ERROR.matcher(line).find()) {
					output.warn(line);
				}
				else {
					output.info(line);
				}
			}
		}
		catch (IOException ex) {
			// The stream closes when the process ends: nothing more to read
		}
	}

	private void tell(String crash) {
		try {
			this.crashListener.accept(crash);
		}
		catch (RuntimeException ex) {
			logger.warn("Traefik's crash listener failed", ex);
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
