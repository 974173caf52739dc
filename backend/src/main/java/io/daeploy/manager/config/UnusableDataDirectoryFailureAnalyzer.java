package io.daeploy.manager.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an unusable data directory into Spring Boot's start-up failure report: one line
 * of what is wrong, one of what to do, and no stack trace.
 */
class UnusableDataDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<UnusableDataDirectoryException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnusableDataDirectoryException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), null);
	}

}
