package io.daeploy.manager;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The local images tests run, built by {@code .ci/test-images} when missing (nothing can
 * be pulled here).
 */
public final class TestImages {

	/** Busybox whose default command serves {@code /www} over HTTP on port 8000. */
	public static final String BUSYBOX = "daeploy-test/busybox:1";

	private static volatile boolean ready;

	private TestImages() {
	}

	/**
	 * Builds the test images unless they exist.
	 */
	public static synchronized void ensure() {
		if (ready) {
			return;
		}
		File script = new File("../.ci/test-images");
		try {
			Process process = new ProcessBuilder("bash", script.getPath()).inheritIO().start();
			if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
				throw new IllegalStateException(script + " failed");
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + script, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		ready = true;
	}

}
