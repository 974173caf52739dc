package io.daeploy.manager.licence;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.OperationDefinition.Operation;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLObjectType;
import io.daeploy.manager.licence.LicenceService.Act;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of the {@link LicenceService}: the {@code licence} query, the
 * {@code activateLicence} mutation, and {@link Enforcement}, which puts the licence's
 * decision in front of every mutation that creates.
 */
@Controller
class LicenceController {

	private final LicenceService licences;

	LicenceController(LicenceService licences) {
		this.licences = licences;
	}

	@QueryMapping
	Mono<LicenceStatus> licence() {
		return this.licences.status();
	}

	@MutationMapping
	Mono<ActivateLicencePayload> activateLicence(@Argument ActivateLicenceInput input) {
		return this.licences.activate(input.key()).map(ActivateLicencePayload::new);
	}

	record ActivateLicenceInput(String key) {
	}

	record ActivateLicencePayload(LicenceStatus licence) {
	}

	/**
	 * Asks {@link LicenceService#admit} before each mutation field that creates
	 * ({@code deployService}, {@code createUser}, {@code createToken}) runs; a refusal
	 * fails that field with the licence's code and the mutation never starts. Seen as
	 * graphql-java executes the fields, so aliases and fragments change nothing. Ordered
	 * before the audit log's instrumentation, which therefore wraps this one and records
	 * refusals with their code.
	 */
	@Component
	@Order(0)
	static class Enforcement extends SimplePerformantInstrumentation {

		/** The mutation fields that create, and what each creates. */
		static final Map<String, Act> CREATING = Map.of("deployService", Act.DEPLOY, "createUser", Act.CREATE_USER,
				"createToken", Act.CREATE_TOKEN);

		private final LicenceService licences;

		Enforcement(LicenceService licences) {
			this.licences = licences;
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
			Act act = CREATING.get(env.getField().getName());
			if (act == null) {
				return dataFetcher;
			}
			return (environment) -> this.licences.admit(act, serviceName(environment))
				.toFuture()
				.thenCompose((admitted) -> fetch(dataFetcher, environment));
		}

		@SuppressWarnings("unchecked")
		private static CompletionStage<Object> fetch(DataFetcher<?> dataFetcher, DataFetchingEnvironment env) {
			try {
				Object result = dataFetcher.get(env);
				return (result instanceof CompletionStage<?> stage) ? (CompletionStage<Object>) stage
						: CompletableFuture.completedFuture(result);
			}
			catch (Exception ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		private static String serviceName(DataFetchingEnvironment env) {
			if (env.getArgument("input") instanceof Map<?, ?> input && input.get("name") instanceof String name) {
				return name;
			}
			return null;
		}

	}

}
