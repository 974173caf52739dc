package io.daeploy.manager.logs;

import java.time.Instant;
import java.util.List;

import io.daeploy.manager.runtime.LogLine;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of {@link LogService}: pages as queries, streams as subscriptions.
 */
@Controller
class LogController {

	private final LogService logs;

	LogController(LogService logs) {
		this.logs = logs;
	}

	@QueryMapping
	Mono<List<LogLine>> serviceLogs(@Argument String name, @Argument String version, @Argument Integer tail,
			@Argument Instant since) {
		int lines = (tail != null) ? tail : 100;
		return Mono.fromRunnable(() -> LogService.checkTail(lines, 1))
			.then(LogService.newest(this.logs.serviceLogs(name, version, lines, since, false),
					LogService.MAX_PAGE_BYTES));
	}

	@QueryMapping
	Mono<List<LogLine>> managerLogs(@Argument Integer tail) {
		int lines = (tail != null) ? tail : 200;
		return Mono.fromRunnable(() -> LogService.checkTail(lines, 1))
			.thenMany(this.logs.managerLogs(lines, false))
			.collectList();
	}

	@SubscriptionMapping("serviceLogs")
	Flux<LogLine> followServiceLogs(@Argument String name, @Argument String version, @Argument Integer tail,
			@Argument Instant since, @Argument Boolean follow) {
		return this.logs.serviceLogs(name, version, (tail != null) ? tail : 100, since, !Boolean.FALSE.equals(follow));
	}

	@SubscriptionMapping("managerLogs")
	Flux<LogLine> followManagerLogs(@Argument Integer tail, @Argument Boolean follow) {
		return this.logs.managerLogs((tail != null) ? tail : 200, !Boolean.FALSE.equals(follow));
	}

	@SubscriptionMapping
	Flux<List<LogLine>> serviceLogBatches(@Argument String name, @Argument String version, @Argument Integer tail,
			@Argument Instant since, @Argument Boolean follow) {
		return LogService.batched(followServiceLogs(name, version, tail, since, follow));
	}

	@SubscriptionMapping
	Flux<List<LogLine>> managerLogBatches(@Argument Integer tail, @Argument Boolean follow) {
		return LogService.batched(followManagerLogs(tail, follow));
	}

}
