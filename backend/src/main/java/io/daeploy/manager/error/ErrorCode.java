package io.daeploy.manager.system;

import org.springframework.graphql.execution.ErrorType;

/**
 * Stable error codes clients see in {@code extensions.code}; the schema's
 * {@code ErrorCode} enum documents each.
 */
public enum ErrorCode {

	INVALID_INPUT(ErrorType.BAD_REQUEST), INVALID_NAME(ErrorType.BAD_REQUEST), INVALID_VERSION(ErrorType.BAD_REQUEST),
	IMAGE_NOT_FOUND(ErrorType.NOT_FOUND), SERVICE_EXISTS(ErrorType.BAD_REQUEST), SERVICE_NOT_FOUND(ErrorType.NOT_FOUND),
	MAIN_HAS_SHADOWS(ErrorType.BAD_REQUEST), RUNTIME_UNAVAILABLE(ErrorType.INTERNAL_ERROR),
	RUNTIME_ERROR(ErrorType.BAD_REQUEST), UNAUTHENTICATED(ErrorType.UNAUTHORIZED), FORBIDDEN(ErrorType.FORBIDDEN),
	INVALID_CREDENTIALS(ErrorType.UNAUTHORIZED), TOO_MANY_ATTEMPTS(ErrorType.FORBIDDEN),
	USER_NOT_FOUND(ErrorType.NOT_FOUND), USER_EXISTS(ErrorType.BAD_REQUEST), ADMIN_PROTECTED(ErrorType.FORBIDDEN),
	TOKEN_NOT_FOUND(ErrorType.NOT_FOUND), NOTIFICATION_NOT_FOUND(ErrorType.NOT_FOUND),
	CONTAINER_NOT_FOUND(ErrorType.NOT_FOUND), INTERNAL(ErrorType.INTERNAL_ERROR);

	private final ErrorType type;

	ErrorCode(ErrorType type) {
		this.type = type;
	}

	/**
	 * The classification GraphQL clients see beside the code.
	 * @return the error type
	 */
	public ErrorType type() {
		return this.type;
	}

}
