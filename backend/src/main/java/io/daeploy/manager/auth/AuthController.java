package io.daeploy.manager.auth;

import java.time.Instant;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.ContextValue;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of {@link UserService}: login, users and tokens.
 */
@Controller
class AuthController {

	static final String CLIENT_ADDRESS = "daeploy.clientAddress";

	private final UserService users;

	AuthController(UserService users) {
		this.users = users;
	}

	@QueryMapping
	Mono<Viewer> me() {
		return Caller.current()
			.filter((caller) -> !caller.isAnonymous())
			.map((caller) -> new Viewer(caller.name(), caller.role(), caller.kind()));
	}

	@QueryMapping
	Flux<User> users() {
		return this.users.users();
	}

	@QueryMapping
	Flux<ApiToken> tokens() {
		return this.users.apiTokens().map(ApiToken::of);
	}

	@MutationMapping
	Mono<LoginPayload> login(@Argument LoginInput input, @ContextValue(CLIENT_ADDRESS) String clientAddress) {
		return this.users.login(input.username(), input.password(), clientAddress)
			.map((login) -> new LoginPayload(login.token(), login.expiresAt(), login.user()));
	}

	@MutationMapping
	Mono<LogoutPayload> logout() {
		return this.users.logout().map(LogoutPayload::new);
	}

	@MutationMapping
	Mono<UserPayload> changePassword(@Argument ChangePasswordInput input) {
		return this.users.changePassword(input.currentPassword(), input.newPassword()).map(UserPayload::new);
	}

	@MutationMapping
	Mono<UserPayload> createUser(@Argument CreateUserInput input) {
		return this.users.createUser(input.username(), input.password(), input.role()).map(UserPayload::new);
	}

	@MutationMapping
	Mono<UserPayload> setUserPassword(@Argument SetUserPasswordInput input) {
		return this.users.setPassword(input.username(), input.password()).map(UserPayload::new);
	}

	@MutationMapping
	Mono<DeleteUserPayload> deleteUser(@Argument DeleteUserInput input) {
		return this.users.deleteUser(input.username()).map(DeleteUserPayload::new);
	}

	@MutationMapping
	Mono<CreateTokenPayload> createToken(@Argument CreateTokenInput input) {
		return this.users.createApiToken(input.name(), input.expiresInDays())
			.map((issued) -> new CreateTokenPayload(issued.token(), ApiToken.of(issued.record())));
	}

	@MutationMapping
	Mono<RevokeTokenPayload> revokeToken(@Argument RevokeTokenInput input) {
		return this.users.revokeApiToken(input.id()).map(RevokeTokenPayload::new);
	}

	record Viewer(String name, Role role, TokenKind tokenKind) {
	}

	record ApiToken(String id, String name, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {

		static ApiToken of(IssuedToken token) {
			return new ApiToken(token.id(), token.name(), token.issuedAt(), token.expiresAt(), token.lastUsedAt());
		}

	}

	record LoginInput(String username, String password) {
	}

	record LoginPayload(String token, Instant expiresAt, User user) {
	}

	record LogoutPayload(boolean revoked) {
	}

	record ChangePasswordInput(String currentPassword, String newPassword) {
	}

	record CreateUserInput(String username, String password, Role role) {
	}

	record SetUserPasswordInput(String username, String password) {
	}

	record DeleteUserInput(String username) {
	}

	record UserPayload(User user) {
	}

	record DeleteUserPayload(String username) {
	}

	record CreateTokenInput(String name, Integer expiresInDays) {
	}

	record CreateTokenPayload(String token, ApiToken apiToken) {
	}

	record RevokeTokenInput(String id) {
	}

	record RevokeTokenPayload(String id) {
	}

	/**
	 * Puts the caller's address in the GraphQL context for login throttling. Behind the
	 * manager's own proxy (a loopback peer) the last {@code X-Forwarded-For} entry, the
	 * one the proxy added, is the client.
	 */
	@Component
	// outside SharedSubscriptions, which can answer without going further
	@Order(Ordered.LOWEST_PRECEDENCE - 1)
	static class ClientAddressInterceptor implements WebGraphQlInterceptor {

		@Override
		public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
			String address = ClientAddresses.of(request.getRemoteAddress(),
					request.getHeaders().getFirst("X-Forwarded-For"));
			request.configureExecutionInput(
					(input, builder) -> builder.graphQLContext(Map.of(CLIENT_ADDRESS, address)).build());
			return chain.next(request);
		}

	}

}
