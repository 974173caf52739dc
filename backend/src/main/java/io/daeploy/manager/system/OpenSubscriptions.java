package io.daeploy.manager.system;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.stereotype.Component;

/**
 * Counts the GraphQL subscriptions open right now, as the gauge
 * {@code daeploy.graphql.subscriptions}: one per subscription stream from its first
 * subscriber to its end, its cancel or its connection's close.
 */
@Component
// outside SharedSubscriptions, which can answer without going further
@Order(Ordered.LOWEST_PRECEDENCE - 1)
class OpenSubscriptions implements WebGraphQlInterceptor {

	private final AtomicInteger open = new AtomicInteger();

	OpenSubscriptions(MeterRegistry registry) {
		Gauge.builder("daeploy.graphql.subscriptions", this.open, AtomicInteger::get)
			.description("GraphQL subscriptions open now")
			.register(registry);
	}

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		return chain.next(request).map((response) -> {
			if (!(response.getExecutionResult().getData() instanceof Publisher<?> stream)) {
				return response;
			}
			return response.transform((builder) -> builder.data(Flux.from(stream)
				.doOnSubscribe((subscription) -> this.open.incrementAndGet())
				.doFinally((signal) -> this.open.decrementAndGet())));
		});
	}

}
