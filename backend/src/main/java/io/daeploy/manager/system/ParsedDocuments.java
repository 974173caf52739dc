package io.daeploy.manager.system;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;

import org.springframework.boot.graphql.autoconfigure.GraphQlSourceBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Parses and validates each distinct query text once: clients send the same few queries
 * over and over (the dashboard's list, the CLI's commands), and parsing plus validation
 * was a large part of a trivial query's CPU. The cache is bounded by the total length of
 * the query texts it holds, so a client sending endless distinct queries only evicts
 * entries; queries longer than {@link #MAX_CACHED_QUERY} characters are parsed each time.
 * Cost and depth limits still apply to every execution: they run when an operation
 * executes, after the document is found here.
 */
@Configuration(proxyBeanMethods = false)
class ParsedDocuments implements PreparsedDocumentProvider {

	/** The query texts held, in characters. */
	static final long MAX_WEIGHT = 4L * 1024 * 1024;

	/** Longer queries are not cached. */
	static final int MAX_CACHED_QUERY = 64 * 1024;

	private final Cache<String, PreparsedDocumentEntry> documents = Caffeine.newBuilder()
		.maximumWeight(MAX_WEIGHT)
		.<String, PreparsedDocumentEntry>weigher((query, entry) -> query.length())
		.build();

	@Bean
	GraphQlSourceBuilderCustomizer parsedDocumentCache() {
		return (builder) -> builder.configureGraphQl((graphQl) -> graphQl.preparsedDocumentProvider(this));
	}

	@Override
	public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
			Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
		String query = input.getQuery();
		if (query == null || query.length() > MAX_CACHED_QUERY) {
			return CompletableFuture.completedFuture(parseAndValidate.apply(input));
		}
		return CompletableFuture.completedFuture(this.documents.get(query, (key) -> parseAndValidate.apply(input)));
	}

	/**
	 * How many documents are held.
	 * @return the estimated count
	 */
	long size() {
		this.documents.cleanUp();
		return this.documents.estimatedSize();
	}

}
