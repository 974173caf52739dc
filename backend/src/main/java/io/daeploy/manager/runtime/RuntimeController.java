package io.daeploy.manager.runtime;

import reactor.core.publisher.Mono;

import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of the runtime's status.
 */
@Controller
class RuntimeController {

	private final RuntimeConnector runtime;

	RuntimeController(RuntimeConnector runtime) {
		this.runtime = runtime;
	}

	@QueryMapping
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	Mono<RuntimeStatus> runtime() {
		return this.runtime.status();
	}

}
