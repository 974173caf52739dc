package io.daeploy.manager.system;

import java.util.ArrayList;
import java.util.List;

import io.daeploy.manager.ManagerIntegrationTests;
import org.junit.jupiter.api.Test;

import org.springframework.graphql.ResponseError;
import org.springframework.graphql.test.tester.GraphQlTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A response whose errors come from both sides, one with a code of ours (a domain
 * failure) and one without (Spring Security's refusal, which the code interceptor
 * completes), is answered with every error coded. Found by the hostile-input suite: a
 * plain user asking for {@code users} and a bad {@code notifications} page in one query
 * got HTTP 500, a {@code ClassCastException} in the interceptor.
 */
class MixedErrorsIntegrationTests extends ManagerIntegrationTests {

	@Test
	void aRefusalBesideADomainErrorKeepsBothCodes() {
		String user = unique("mixed");
		this.graphQl
			.document("mutation($u: String!) { createUser(input: {username: $u, password: \"mixed-password\"}) "
					+ "{ user { username } } }")
			.variable("u", user)
			.executeAndVerify();
		GraphQlTester.Response response = as(user, "mixed-password")
			.document("{ users { username } notifications(first: 0) { hasMore } }")
			.execute();
		List<ResponseError> errors = new ArrayList<>();
		response.errors().satisfy(errors::addAll);
		assertThat(errors).extracting((error) -> error.getExtensions().get("code"))
			.containsExactlyInAnyOrder("FORBIDDEN", "INVALID_INPUT");
		assertThat(errors).extracting((error) -> error.getPath()).containsExactlyInAnyOrder("users", "notifications");
		assertThat(errors.stream().map(ResponseError::getExtensions).map((e) -> e.get("classification")))
			.doesNotContainNull();
	}

}
