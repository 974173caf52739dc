package io.daeploy.manager.system;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import graphql.GraphqlErrorBuilder;
import graphql.analysis.FieldComplexityCalculator;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.AbortExecutionException;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.service.ServiceManager;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * What one request may cost. A query's cost is counted before it runs: every field costs
 * one, a field that asks the engine ({@code inspection}) {@value #ENGINE_CALL}, a list
 * field multiplies what it selects by how long the list can be (the stored services,
 * {@code first}, {@code tail}); a query over {@code DAEPLOY_QUERY_BUDGET} is refused with
 * {@code QUERY_TOO_COSTLY} before anything runs, as is one nested deeper than
 * {@value #MAX_DEPTH}. A request body over the codecs' limit is refused with 413 and a
 * body saying so, instead of failing inside.
 */
@Configuration(proxyBeanMethods = false)
class QueryLimits {

	/** What a field that asks the container engine costs. */
	static final int ENGINE_CALL = 100;

	static final int MAX_DEPTH = 15;

	@Bean
	MaxQueryComplexityInstrumentation queryBudget(DaeployProperties properties,
			ObjectProvider<ServiceManager> services) {
		int budget = properties.queryBudget();
		FieldComplexityCalculator calculator = (env, child) -> {
			String field = env.getField().getName();
			int own = switch (field) {
				case "inspection" -> ENGINE_CALL;
				default -> 1;
			};
			int times = switch (field) {
				case "services" -> Math.max(1, count(services));
				// the paged lists (their inner lists of the same name take no argument:
				// 1)
				case "notifications", "auditLog", "deployments" -> intArgument(env.getArguments(), "first", 1);
				case "serviceLogs", "managerLogs", "serviceLogBatches", "managerLogBatches" ->
					Math.max(1, intArgument(env.getArguments(), "tail", 10) / 10);
				default -> 1;
			};
			long cost = own + (long) times * Math.max(child, 1);
			return (int) Math.min(Integer.MAX_VALUE / 2, cost);
		};
		return new MaxQueryComplexityInstrumentation(budget, calculator) {

			@Override
			protected AbortExecutionException mkAbortException(int totalComplexity, int maxComplexity) {
				return new AbortExecutionException(List.of(GraphqlErrorBuilder.newError()
					.message("The query would cost " + totalComplexity + ", over the budget of " + maxComplexity
							+ " (DAEPLOY_QUERY_BUDGET): ask for less, e.g. inspection on one service, not on lists")
					.extensions(Map.of("code", ErrorCode.QUERY_TOO_COSTLY.name(), "cost", totalComplexity, "budget",
							maxComplexity))
					.errorType(GraphQlErrors.type(ErrorCode.QUERY_TOO_COSTLY))
					.build()));
			}

		};
	}

	@Bean
	MaxQueryDepthInstrumentation queryDepth() {
		return new MaxQueryDepthInstrumentation(MAX_DEPTH) {

			@Override
			protected AbortExecutionException mkAbortException(int depth, int maxDepth) {
				return new AbortExecutionException(List.of(GraphqlErrorBuilder.newError()
					.message("The query nests " + depth + " levels deep; at most " + maxDepth + " are answered")
					.extensions(Map.of("code", ErrorCode.QUERY_TOO_COSTLY.name()))
					.errorType(GraphQlErrors.type(ErrorCode.QUERY_TOO_COSTLY))
					.build()));
			}

		};
	}

	/**
	 * Requests the codecs or the routing cannot read, answered with the reason instead of
	 * a 500: a body larger than the codecs take gets 413 {@code REQUEST_TOO_LARGE}; an
	 * {@code Accept} or {@code Content-Type} that is no media type (Spring Boot's welcome
	 * page route on {@code /} parsed {@code Accept: garbage} into a 500, found by the
	 * hostile-input suite) gets 400 {@code INVALID_INPUT}. For GraphQL and REST alike.
	 */
	@Bean
	@Order(-2)
	WebExceptionHandler unreadableRequests() {
		return (exchange, ex) -> {
			if (exchange.getResponse().isCommitted()) {
				return Mono.error(ex);
			}
			if (isTooLarge(ex)) {
				return answer(exchange, HttpStatus.CONTENT_TOO_LARGE, ErrorCode.REQUEST_TOO_LARGE,
						"The request body is too large");
			}
			if (isInvalidMediaType(ex)) {
				return answer(exchange, HttpStatus.BAD_REQUEST, ErrorCode.INVALID_INPUT,
						"The Accept or Content-Type header is not a valid media type");
			}
			return Mono.error(ex);
		};
	}

	private static Mono<Void> answer(ServerWebExchange exchange, HttpStatus status, ErrorCode code, String message) {
		String body = exchange.getRequest().getPath().value().startsWith("/graphql")
				? "{\"errors\":[{\"message\":\"" + message + "\",\"extensions\":{\"code\":\"" + code.name() + "\"}}]}"
				: "{\"detail\":\"" + message + "\",\"code\":\"" + code.name() + "\"}";
		exchange.getResponse().setStatusCode(status);
		exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
		return exchange.getResponse()
			.writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))));
	}

	private static boolean isInvalidMediaType(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidMediaTypeException) {
				return true;
			}
		}
		return false;
	}

	private static boolean isTooLarge(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataBufferLimitException) {
				return true;
			}
		}
		return false;
	}

	private static int count(ObjectProvider<ServiceManager> services) {
		ServiceManager manager = services.getIfAvailable();
		return (manager != null) ? manager.count() : 1;
	}

	private static int intArgument(Map<String, Object> arguments, String name, int fallback) {
		Object value = arguments.get(name);
		if (value instanceof Number number) {
			return (int) Math.max(1, Math.min(100_000, number.longValue()));
		}
		return fallback;
	}

}
