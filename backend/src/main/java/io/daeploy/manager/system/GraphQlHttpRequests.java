package io.daeploy.manager.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.error.ErrorCode;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.webflux.GraphQlHttpHandler;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;

/**
 * The GraphQL endpoint's answer to a POST that is not a GraphQL request: a body that is
 * not JSON, {@code variables} that are not an object, or no body at all (which Spring
 * GraphQL answers with an empty 200). Such a request gets 400 with a GraphQL error whose
 * {@code extensions.code} is {@code INVALID_INPUT}, like every other error of the
 * endpoint, instead of Spring's default error body without a code.
 */
@Configuration(proxyBeanMethods = false)
class GraphQlHttpRequests {

	@Bean
	GraphQlHttpHandler graphQlHttpHandler(WebGraphQlHandler webGraphQlHandler) {
		return new Handler(webGraphQlHandler);
	}

	static final class Handler extends GraphQlHttpHandler {

		Handler(WebGraphQlHandler graphQlHandler) {
			super(graphQlHandler);
		}

		@Override
		public Mono<ServerResponse> handleRequest(ServerRequest request) {
			return super.handleRequest(request)
				.onErrorResume((ex) -> ex instanceof ServerWebInputException && !tooLarge(ex),
						(ex) -> invalid("Not a GraphQL request: send {\"query\": \"...\", \"variables\": {...}}"))
				.switchIfEmpty(Mono.defer(() -> invalid("Not a GraphQL request: the body is empty")));
		}

		/** Left to the 413 answer of {@link QueryLimits}. */
		private static boolean tooLarge(Throwable ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof DataBufferLimitException) {
					return true;
				}
			}
			return false;
		}

		private static Mono<ServerResponse> invalid(String message) {
			Map<String, Object> extensions = new LinkedHashMap<>();
			extensions.put("classification", GraphQlErrors.type(ErrorCode.INVALID_INPUT).name());
			extensions.put("code", ErrorCode.INVALID_INPUT.name());
			return ServerResponse.status(HttpStatus.BAD_REQUEST)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("errors", List.of(Map.of("message", message, "extensions", extensions))));
		}

	}

}
