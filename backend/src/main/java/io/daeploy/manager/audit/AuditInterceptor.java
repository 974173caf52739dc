package io.daeploy.manager.audit;

import java.time.Clock;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.OperationDefinition.Operation;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLObjectType;
import io.daeploy.manager.error.DaeployException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;

/**
 * Records every mutation field that runs in the {@link AuditLog}, however the document is
 * written: the fields are seen as graphql-java executes them, after fragments, aliases,
 * directives and variables are resolved, not read from the document's text. The
 * interceptor puts the caller into the GraphQL context; {@link Recorder}, an
 * instrumentation, notes one entry per mutation field once it has finished, with its
 * redacted arguments ({@link AuditRedaction}) and its outcome ({@code OK} or the error
 * code); the interceptor writes them before the response goes out. A sign-in is recorded
 * under the user who signed in.
 */
@Component
@Order(10)
class AuditInterceptor implements WebGraphQlInterceptor {

	static final String ANONYMOUS = "anonymous";

	private static final String ACTOR = AuditInterceptor.class.getName() + ".actor";

	private static final String ENTRIES = AuditInterceptor.class.getName() + ".entries";

	private static final Log logger = LogFactory.getLog(AuditInterceptor.class);

	private final AuditLog log;

	private final Clock clock;

	AuditInterceptor(AuditLog log, Clock clock) {
		this.log = log;
		this.clock = clock;
	}

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		Queue<Entry> entries = new ConcurrentLinkedQueue<>();
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.map(AuditInterceptor::actor)
			.defaultIfEmpty(ANONYMOUS)
			.flatMap((actor) -> {
				request.configureExecutionInput(
						(input, builder) -> builder.graphQLContext(Map.of(ACTOR, actor, ENTRIES, entries)).build());
				// the entries are written before the caller hears back
				return chain.next(request)
					.flatMap((response) -> Flux.fromIterable(entries)
						.concatMap((entry) -> this.log.record(this.clock.instant(), entry.actor(), entry.action(),
								entry.arguments(), entry.outcome()))
						.onErrorResume((ex) -> {
							logger.error("Could not write the audit log", ex);
							return Mono.empty();
						})
						.then(Mono.just(response)));
			});
	}

	static String actor(Authentication authentication) {
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return ANONYMOUS;
		}
		return authentication.getName();
	}

	/**
	 * One mutation field's entry, waiting to be written.
	 */
	record Entry(String actor, String action, String arguments, String outcome) {
	}

	/**
	 * Writes the audit entries as mutation fields finish.
	 */
	@Component
	static class Recorder extends SimplePerformantInstrumentation {

		private final JsonMapper json;

		Recorder(JsonMapper json) {
			this.json = json;
		}

		@Override
		public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> dataFetcher,
				InstrumentationFieldFetchParameters parameters, InstrumentationState state) {
			if (parameters.getExecutionContext().getOperationDefinition().getOperation() != Operation.MUTATION) {
				// asked before the environment, which graphql-java builds only on demand
				// (not at all for the plain properties that make up most of a query)
				return dataFetcher;
			}
			DataFetchingEnvironment env = parameters.getEnvironment();
			if (!(env.getParentType() instanceof GraphQLObjectType parent) || !"Mutation".equals(parent.getName())) {
				return dataFetcher;
			}
			return (environment) -> {
				Object result;
				try {
					result = dataFetcher.get(environment);
				}
				catch (Exception ex) {
					record(environment, ex);
					throw ex;
				}
				if (result instanceof CompletionStage<?> stage) {
					return stage.whenComplete((value, ex) -> record(environment, ex));
				}
				if (result instanceof Mono<?> mono) {
					return mono.doOnSuccess((value) -> record(environment, null))
						.doOnError((ex) -> record(environment, ex));
				}
				record(environment, null);
				return result;
			};
		}

		private void record(DataFetchingEnvironment env, Throwable failure) {
			try {
				String field = env.getField().getName();
				Map<String, Object> arguments = AuditRedaction.redactAll(env.getArguments());
				String actor = env.getGraphQlContext().getOrDefault(ACTOR, ANONYMOUS);
				if ("login".equals(field) && env.getArguments().get("input") instanceof Map<?, ?> input
						&& input.get("username") instanceof String username) {
					// a sign-in is the signed-in user's act
					actor = username;
				}
				Queue<Entry> entries = env.getGraphQlContext().get(ENTRIES);
				if (entries != null) {
					entries.add(new Entry(actor, field, this.json.writeValueAsString(arguments), outcome(failure)));
				}
			}
			catch (RuntimeException ex) {
				logger.error("Could not write the audit log", ex);
			}
		}

		static String outcome(Throwable failure) {
			Throwable cause = failure;
			while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
				cause = cause.getCause();
			}
			if (cause == null) {
				return "OK";
			}
			if (cause instanceof DaeployException daeploy) {
				return daeploy.code().name();
			}
			if (cause instanceof AccessDeniedException) {
				return "FORBIDDEN";
			}
			if (cause instanceof AuthenticationException) {
				return "UNAUTHENTICATED";
			}
			return "INTERNAL";
		}

	}

}
