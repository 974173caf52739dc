package io.daeploy.manager.audit;

import java.util.concurrent.atomic.AtomicInteger;

import graphql.execution.ExecutionContextBuilder;
import graphql.execution.ExecutionId;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.OperationDefinition;
import graphql.language.OperationDefinition.Operation;
import graphql.schema.DataFetcher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log records mutation fields only, and passes over a query's fields without
 * asking graphql-java for their environment (issue 13: the environment of a plain
 * property is otherwise never built).
 */
class RecorderFieldPathTests {

	@Test
	void queryFieldsKeepTheirFetcherWithoutAnEnvironment() {
		AuditInterceptor.Recorder recorder = new AuditInterceptor.Recorder(null);
		DataFetcher<Object> fetcher = (env) -> "value";
		AtomicInteger asked = new AtomicInteger();
		InstrumentationFieldFetchParameters parameters = new InstrumentationFieldFetchParameters(ExecutionContextBuilder
			.newExecutionContextBuilder()
			.executionId(ExecutionId.generate())
			.operationDefinition(OperationDefinition.newOperationDefinition().operation(Operation.QUERY).build())
			.build(), () -> {
				asked.incrementAndGet();
				throw new AssertionError("the environment was built");
			}, null, true);

		assertThat(recorder.instrumentDataFetcher(fetcher, parameters, null)).isSameAs(fetcher);
		assertThat(asked).hasValue(0);
	}

}
