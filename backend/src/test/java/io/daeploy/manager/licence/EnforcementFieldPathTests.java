package io.daeploy.manager.licence;

import java.util.concurrent.atomic.AtomicInteger;

import graphql.execution.ExecutionContext;
import graphql.execution.ExecutionContextBuilder;
import graphql.execution.ExecutionId;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.OperationDefinition;
import graphql.language.OperationDefinition.Operation;
import graphql.schema.DataFetcher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The licence check looks at mutation fields only, and finds a query's fields not to be
 * such without asking graphql-java for their environment, which it otherwise builds only
 * for fields that are not plain properties (issue 13: a list of 200 services has 600).
 */
class EnforcementFieldPathTests {

	private final LicenceController.Enforcement enforcement = new LicenceController.Enforcement(null);

	private final DataFetcher<Object> fetcher = (env) -> "value";

	@Test
	void queryFieldsKeepTheirFetcherWithoutAnEnvironment() {
		AtomicInteger asked = new AtomicInteger();
		InstrumentationFieldFetchParameters parameters = new InstrumentationFieldFetchParameters(
				context(Operation.QUERY), () -> {
					asked.incrementAndGet();
					throw new AssertionError("the environment was built");
				}, null, true);

		assertThat(this.enforcement.instrumentDataFetcher(this.fetcher, parameters, null)).isSameAs(this.fetcher);
		assertThat(asked).hasValue(0);
	}

	@Test
	void subscriptionFieldsKeepTheirFetcherWithoutAnEnvironment() {
		InstrumentationFieldFetchParameters parameters = new InstrumentationFieldFetchParameters(
				context(Operation.SUBSCRIPTION), () -> {
					throw new AssertionError("the environment was built");
				}, null, false);

		assertThat(this.enforcement.instrumentDataFetcher(this.fetcher, parameters, null)).isSameAs(this.fetcher);
	}

	static ExecutionContext context(Operation operation) {
		return ExecutionContextBuilder.newExecutionContextBuilder()
			.executionId(ExecutionId.generate())
			.operationDefinition(OperationDefinition.newOperationDefinition().operation(operation).build())
			.build();
	}

}
