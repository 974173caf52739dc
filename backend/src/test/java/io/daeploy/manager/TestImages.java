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

	/**
	 * A Source-to-Image builder on busybox: {@code assemble} copies the source to
	 * {@code /app} and runs its {@code build.sh}; {@code run} serves {@code /app} with
	 * httpd on port 8000, or runs {@code APP_SCRIPT}.
	 */
	public static final String S2I_BUSYBOX = "daeploy-test/s2i-busybox:1";

	/**
	 * Debian trixie with python3 and Debian's fastapi, uvicorn, pydantic, requests,
	 * numpy, pandas and scikit-learn ({@code .ci/python-base}).
	 */
	public static final String PYTHON = "daeploy-test/python:3-trixie";

	private static volatile boolean ready;

	private static volatile boolean pythonReady;

	private TestImages() {
	}

	/**
	 * Builds the test images unless they exist.
	 */
	public static synchronized void ensure() {
		if (ready) {
			return;
		}
		run(new File("../.ci/test-images"), 5);
		ready = true;
	}

	/**
	 * Builds the Python base image unless it exists (a few minutes the first time).
	 */
	public static synchronized void ensurePython() {
		if (pythonReady) {
			return;
		}
		run(new File("../.ci/python-base"), 20);
		pythonReady = true;
	}

	private static void run(File script, int minutes) {
		try {
			Process process = new ProcessBuilder("bash", script.getPath()).inheritIO().start();
			if (!process.waitFor(minutes, TimeUnit.MINUTES) || process.exitValue() != 0) {
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
	}

}
