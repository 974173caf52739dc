package io.daeploy.manager.audit;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import reactor.core.publisher.Mono;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of the {@link AuditLog}.
 */
@Controller
class AuditController {

	private final AuditLog log;

	AuditController(AuditLog log) {
		this.log = log;
	}

	@QueryMapping
	Mono<AuditLog.Page> auditLog(@Argument Integer first, @Argument String before) {
		Long beforeId = null;
		if (before != null) {
			try {
				beforeId = Long.parseLong(before);
			}
			catch (NumberFormatException ex) {
				return Mono.error(DaeployException.invalid(ErrorCode.INVALID_INPUT, "before", "Not an audit entry id"));
			}
		}
		if (first != null && (first < 1 || first > 500)) {
			return Mono.error(DaeployException.invalid(ErrorCode.INVALID_INPUT, "first", "Ask for 1 to 500 entries"));
		}
		return this.log.entries((first != null) ? first : 50, beforeId);
	}

}
