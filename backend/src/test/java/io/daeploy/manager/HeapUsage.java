package io.daeploy.manager;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The heap this test JVM holds, for tests that check that something keeps no memory.
 */
public final class HeapUsage {

	private HeapUsage() {
	}

	/**
	 * The least used heap seen over a few full collections: what is retained, with as
	 * little garbage as a test can get.
	 * @return bytes
	 */
	public static long usedAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long least = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
		}
		return least;
	}

}
