package io.daeploy.manager.licence;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an unusable {@code DAEPLOY_LICENCE_PUBLIC_KEY} into Spring Boot's start-up
 * failure report: what is wrong and what to do, no stack trace.
 */
class UnusablePublicKeyFailureAnalyzer extends AbstractFailureAnalyzer<UnusablePublicKeyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnusablePublicKeyException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Set DAEPLOY_LICENCE_PUBLIC_KEY to the issuer's public key as a JWK (JSON), as PEM "
						+ "(-----BEGIN PUBLIC KEY-----), or as the path of a file holding one "
						+ "(bin/daeploy-licence keys makes licence-public.jwk and licence-public.pem), or unset it "
						+ "to use the key the manager ships with.",
				null);
	}

}
