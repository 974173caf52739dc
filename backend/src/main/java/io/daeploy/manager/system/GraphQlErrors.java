package io.daeploy.manager.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import graphql.GraphQLError;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.execution.SubscriptionExceptionResolverAdapter;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.stereotype.Component;

/**
 * Turns failures into GraphQL errors that always carry {@code extensions.code}:
 * {@link DaeployException}s keep their code, request validation errors (wrong types,
 * missing arguments) get {@code INVALID_INPUT}, anything else {@code INTERNAL} with no
 * internals leaked.
 */
final class GraphQlErrors {

	private static final Log logger = LogFactory.getLog(GraphQlErrors.class);

	private GraphQlErrors() {
	}

	/**
	 * The GraphQL classification of an error code.
	 * @param code the code
	 * @return Spring GraphQL's error type for it
	 */
	static ErrorType type(ErrorCode code) {
		return switch (code.kind()) {
			case BAD_REQUEST -> ErrorType.BAD_REQUEST;
			case NOT_FOUND -> ErrorType.NOT_FOUND;
			case UNAUTHENTICATED -> ErrorType.UNAUTHORIZED;
			case FORBIDDEN -> ErrorType.FORBIDDEN;
			case INTERNAL -> ErrorType.INTERNAL_ERROR;
		};
	}

	private static Map<String, Object> extensions(DaeployException daeploy, String fieldPrefix) {
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("code", daeploy.code().name());
		if (daeploy.field() != null) {
			extensions.put("field", fieldPrefix + daeploy.field());
		}
		extensions.putAll(daeploy.extensions());
		return extensions;
	}

	@Component
	static class Resolver extends DataFetcherExceptionResolverAdapter {

		@Override
		protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
			if (ex instanceof DaeployException daeploy) {
				// domain code names fields plainly; a mutation's fields sit in its input
				String prefix = env.getArguments().containsKey("input") ? "input." : "";
				Map<String, Object> extensions = extensions(daeploy, prefix);
				return GraphqlErrorBuilder.newError(env)
					.errorType(type(daeploy.code()))
					.message(daeploy.getMessage())
					.extensions(extensions)
					.build();
			}
			if (ex instanceof AccessDeniedException || ex instanceof AuthenticationException) {
				// left to Spring GraphQL's security resolver: UNAUTHORIZED or FORBIDDEN
				return null;
			}
			logger.error("Unexpected failure in " + env.getExecutionStepInfo().getPath(), ex);
			return GraphqlErrorBuilder.newError(env)
				.errorType(ErrorType.INTERNAL_ERROR)
				.message("Internal error; the manager log has the details")
				.extensions(Map.of("code", ErrorCode.INTERNAL.name()))
				.build();
		}

	}

	/**
	 * The same codes for errors of a subscription's stream, which the resolver above
	 * never sees: a subscription refused by {@code @PreAuthorize} fails when its stream
	 * is subscribed.
	 */
	@Component
	static class SubscriptionResolver extends SubscriptionExceptionResolverAdapter {

		@Override
		protected GraphQLError resolveToSingleError(Throwable ex) {
			if (ex instanceof DaeployException daeploy) {
				Map<String, Object> extensions = extensions(daeploy, "");
				return GraphqlErrorBuilder.newError()
					.errorType(type(daeploy.code()))
					.message(daeploy.getMessage())
					.extensions(extensions)
					.build();
			}
			ErrorCode code;
			String message;
			if (ex instanceof AuthenticationException) {
				code = ErrorCode.UNAUTHENTICATED;
				message = "Unauthorized";
			}
			else if (ex instanceof AccessDeniedException) {
				code = ErrorCode.FORBIDDEN;
				message = "Forbidden";
			}
			else {
				logger.error("Unexpected failure of a subscription", ex);
				code = ErrorCode.INTERNAL;
				message = "Internal error; the manager log has the details";
			}
			return GraphqlErrorBuilder.newError()
				.errorType(type(code))
				.message(message)
				.extensions(Map.of("code", code.name()))
				.build();
		}

	}

	@Component
	// outside SharedSubscriptions, which can answer without going further
	@Order(Ordered.LOWEST_PRECEDENCE - 1)
	static class CodeInterceptor implements WebGraphQlInterceptor {

		@Override
		public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
			return chain.next(request).map((response) -> {
				if (response.getErrors().stream().allMatch((error) -> error.getExtensions().containsKey("code"))) {
					return response;
				}
				return response.transform((builder) -> builder.errors(withCodes(response)));
			});
		}

		private static List<GraphQLError> withCodes(WebGraphQlResponse response) {
			// every error is rebuilt, those with a code too: a response's errors are
			// Spring's views of graphql-java's, not GraphQLErrors themselves
			return response.getErrors().stream().map((error) -> {
				Map<String, Object> extensions = new LinkedHashMap<>(error.getExtensions());
				extensions.putIfAbsent("code", codeOf(error.getErrorType()).name());
				GraphqlErrorBuilder<?> builder = GraphqlErrorBuilder.newError()
					.message(error.getMessage())
					.locations(error.getLocations())
					.errorType(error.getErrorType())
					.extensions(extensions);
				if (!error.getParsedPath().isEmpty()) {
					builder.path(error.getParsedPath());
				}
				return (GraphQLError) builder.build();
			}).toList();
		}

		private static ErrorCode codeOf(graphql.ErrorClassification type) {
			if (type == ErrorType.UNAUTHORIZED) {
				return ErrorCode.UNAUTHENTICATED;
			}
			if (type == ErrorType.FORBIDDEN) {
				return ErrorCode.FORBIDDEN;
			}
			return (type == ErrorType.INTERNAL_ERROR) ? ErrorCode.INTERNAL : ErrorCode.INVALID_INPUT;
		}

	}

}
