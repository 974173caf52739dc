package io.daeploy.manager.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.daeploy.manager.ManagerIntegrationTests;
import io.daeploy.manager.TestImages;
import io.daeploy.manager.runtime.ContainerStateCache.ContainerChange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state users see is always true, however observations race. The deploy's own answer
 * (RUNNING, seen right after the start) is held back by a test-only runtime decorator
 * until the cache has applied the container's exit; it then arrives late, as it can on a
 * busy machine, and must not win. And many containers that exit at once all show it.
 */
@Import(OrderedStateIntegrationTests.HoldingRuntimeConfiguration.class)
class OrderedStateIntegrationTests extends ManagerIntegrationTests {

	@Test
	void aDeploysLateAnswerNeverHidesTheExitThatCameBeforeIt() {
		String name = unique("late");
		HoldingRuntime.holding.put(name, Boolean.TRUE);
		String state = deployExiting(name, "sleep 2; exit 3");
		assertThat(HoldingRuntime.held.get()).as("the deploy's answer was held until the exit was applied")
			.isPositive();
		assertThat(state).isEqualTo("EXITED");
		// and it stays true: nothing later corrects a wrong state, so look again
		assertThat(stateOf(name)).isEqualTo("EXITED");
	}

	@Test
	void twentyContainersThatExitAtOnceAllShowIt() {
		long at = Instant.now().plusSeconds(20).getEpochSecond();
		String script = "while [ $(/bin/busybox date +%s) -lt " + at + " ]; do sleep 0.2; done; exit 3";
		List<String> names = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			names.add(unique("burst"));
		}
		Flux.fromIterable(names)
			.flatMap((name) -> Mono.fromRunnable(() -> deployExiting(name, script))
				.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 4)
			.blockLast(Duration.ofMinutes(2));
		Awaitility.await()
			.atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> names.stream().allMatch((name) -> "EXITED".equals(stateOf(name))));
	}

	private String deployExiting(String name, String script) {
		return this.graphQl.documentName("deployService")
			.variable("input",
					Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "command",
							List.of("sh", "-c", script), "restartPolicy", "NO", "labels",
							List.of(Map.of("key", "test.daeploy", "value", "true"))))
			.execute()
			.path("deployService.service.state")
			.entity(String.class)
			.get();
	}

	private String stateOf(String name) {
		return this.graphQl.document("query($n: String!) { services(name: $n) { state } }")
			.variable("n", name)
			.execute()
			.path("services[0].state")
			.entity(String.class)
			.get();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class HoldingRuntimeConfiguration {

		@Bean
		static BeanPostProcessor holdingRuntime(ObjectProvider<ContainerStateCache> cache) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
					return (bean instanceof RuntimeConnector runtime && !(bean instanceof HoldingRuntime))
							? new HoldingRuntime(runtime, cache) : bean;
				}

			};
		}

	}

	/**
	 * Holds a deploy's answer, for the names the test marks, until the cache has applied
	 * the container's exit.
	 */
	static final class HoldingRuntime implements RuntimeConnector, AutoCloseable {

		static final Map<String, Boolean> holding = new ConcurrentHashMap<>();

		static final AtomicInteger held = new AtomicInteger();

		private final RuntimeConnector delegate;

		private final ObjectProvider<ContainerStateCache> cache;

		HoldingRuntime(RuntimeConnector delegate, ObjectProvider<ContainerStateCache> cache) {
			this.delegate = delegate;
			this.cache = cache;
		}

		@Override
		public Mono<ContainerInfo> deploy(ContainerSpec spec) {
			if (!holding.containsKey(spec.name())) {
				return this.delegate.deploy(spec);
			}
			return Mono.defer(() -> {
				// listen before the start, so the exit cannot slip by
				Mono<ContainerChange> exited = this.cache.getObject()
					.changes()
					.filter((change) -> spec.name().equals(change.name()) && change.container() != null
							&& change.container().state() == ContainerState.EXITED)
					.next()
					.timeout(Duration.ofSeconds(60))
					.cache();
				exited.subscribe();
				return this.delegate.deploy(spec).flatMap((answer) -> exited.map((change) -> {
					assertThat(answer.state()).as("the deploy saw the container running")
						.isEqualTo(ContainerState.RUNNING);
					held.incrementAndGet();
					return answer;
				}));
			});
		}

		@Override
		public Mono<RuntimeStatus> status() {
			return this.delegate.status();
		}

		@Override
		public Flux<ContainerInfo> list() {
			return this.delegate.list();
		}

		@Override
		public Mono<ContainerInfo> observe(String id) {
			return this.delegate.observe(id);
		}

		@Override
		public Mono<Instant> time() {
			return this.delegate.time();
		}

		@Override
		public Flux<ContainerEvent> events(Instant since) {
			return this.delegate.events(since);
		}

		@Override
		public Flux<LogLine> logs(String name, String version, int tail, Instant since, boolean follow) {
			return this.delegate.logs(name, version, tail, since, follow);
		}

		@Override
		public Mono<ContainerDetails> inspect(String name, String version) {
			return this.delegate.inspect(name, version);
		}

		@Override
		public Mono<Boolean> remove(String name, String version) {
			return this.delegate.remove(name, version);
		}

		@Override
		public Mono<Boolean> stop(String name, String version, java.time.Duration timeout) {
			return this.delegate.stop(name, version, timeout);
		}

		@Override
		public Mono<ContainerInfo> start(String name, String version) {
			return this.delegate.start(name, version);
		}

		@Override
		public Mono<Boolean> removeImage(String image) {
			return this.delegate.removeImage(image);
		}

		@Override
		public String containerName(String name, String version) {
			return this.delegate.containerName(name, version);
		}

		@Override
		public List<String> reservedLabels() {
			return this.delegate.reservedLabels();
		}

		@Override
		public void close() throws Exception {
			if (this.delegate instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}

	}

}
