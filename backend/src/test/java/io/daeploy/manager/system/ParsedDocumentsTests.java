package io.daeploy.manager.system;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.parser.Parser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parsed-document cache parses a query text once, and holds no more query text than
 * its bound whatever a client sends.
 */
class ParsedDocumentsTests {

	private final AtomicInteger parsed = new AtomicInteger();

	private final Function<ExecutionInput, PreparsedDocumentEntry> parse = (input) -> {
		this.parsed.incrementAndGet();
		return new PreparsedDocumentEntry(Parser.parse(input.getQuery()));
	};

	@Test
	void aRepeatedQueryIsParsedOnce() throws Exception {
		ParsedDocuments documents = new ParsedDocuments();
		PreparsedDocumentEntry first = documents.getDocumentAsync(input("{ manager { version } }"), this.parse).get();
		PreparsedDocumentEntry second = documents.getDocumentAsync(input("{ manager { version } }"), this.parse).get();
		assertThat(second).isSameAs(first);
		assertThat(this.parsed).hasValue(1);
		documents.getDocumentAsync(input("{ services { name } }"), this.parse).get();
		assertThat(this.parsed).hasValue(2);
	}

	@Test
	void endlessDistinctQueriesStayWithinTheBound() throws Exception {
		ParsedDocuments documents = new ParsedDocuments();
		String padding = "#".repeat(60_000) + "\n";
		int sent = 200;
		for (int i = 0; i < sent; i++) {
			documents.getDocumentAsync(input(padding + "{ q" + i + ": manager { version } }"), this.parse).get();
		}
		assertThat(this.parsed).hasValue(sent);
		assertThat(documents.size()).isPositive()
			.isLessThanOrEqualTo(ParsedDocuments.MAX_WEIGHT / padding.length() + 1);
	}

	@Test
	void aQueryOverTheCachedLengthIsParsedEachTime() throws Exception {
		ParsedDocuments documents = new ParsedDocuments();
		String huge = "#".repeat(ParsedDocuments.MAX_CACHED_QUERY) + "\n{ manager { version } }";
		documents.getDocumentAsync(input(huge), this.parse).get();
		documents.getDocumentAsync(input(huge), this.parse).get();
		assertThat(this.parsed).hasValue(2);
		assertThat(documents.size()).isZero();
	}

	private static ExecutionInput input(String query) {
		return ExecutionInput.newExecutionInput(query).build();
	}

}
