package io.daeploy.manager.deployment;

import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health gate's HTTP client is made by the first HTTP check, not with the gate: a
 * manager that runs no HTTP health check holds no client thread (issue 13: idle memory).
 */
class HealthGateClientTests {

	@Test
	void aNewGateStartsNoHttpClientThread() {
		Set<Long> before = clientThreads();
		new HealthGate(null);
		assertThat(clientThreads()).isSubsetOf(before);
	}

	/** The JDK client's selector threads, {@code HttpClient-<n>-SelectorManager}. */
	private static Set<Long> clientThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("HttpClient-")
					&& thread.getName().endsWith("-SelectorManager"))
			.map(Thread::getId)
			.collect(Collectors.toSet());
	}

}
