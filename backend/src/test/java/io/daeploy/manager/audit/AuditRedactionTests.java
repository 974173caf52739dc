package io.daeploy.manager.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the audit log keeps of a mutation's arguments.
 */
class AuditRedactionTests {

	@Test
	void passwordsTokensAndSecretsAreMaskedAtAnyDepth() {
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("username", "ann");
		input.put("password", "hunter2");
		input.put("newPassword", "hunter3");
		input.put("nested", Map.of("apiToken", "eyJabc", "clientSecret", "s"));
		assertThat(AuditRedaction.redactAll(Map.of("input", input)).toString()).contains("username=ann")
			.doesNotContain("hunter2")
			.doesNotContain("hunter3")
			.doesNotContain("eyJabc")
			.doesNotContain("clientSecret=s");
	}

	@Test
	void onlyTheValuesOfSecretVariablesAreMasked() {
		Object env = AuditRedaction.redact("env", List.of(Map.of("name", "API_KEY", "value", "k3y", "secret", true),
				Map.of("name", "MODE", "value", "fast", "secret", false), Map.of("name", "LEVEL", "value", "1")));
		assertThat(env.toString()).contains("API_KEY").doesNotContain("k3y").contains("fast").contains("LEVEL");
	}

	@Test
	void aFlagNamedLikeASecretIsKept() {
		// `secret: false` is the flag, not a secret
		assertThat(AuditRedaction.redact("secret", false)).isEqualTo(false);
		assertThat(AuditRedaction.redact("token", null)).isNull();
	}

}
