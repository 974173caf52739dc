package io.daeploy.manager.error;

/**
 * Stable error codes clients see in {@code extensions.code}; the schema's
 * {@code ErrorCode} enum documents each. Each code belongs to a {@link Kind}, which the
 * API adapters map to their own classification (GraphQL error types, HTTP statuses).
 */
public enum ErrorCode {

	INVALID_INPUT(Kind.BAD_REQUEST), INVALID_NAME(Kind.BAD_REQUEST), INVALID_VERSION(Kind.BAD_REQUEST),
	IMAGE_NOT_FOUND(Kind.NOT_FOUND), SERVICE_EXISTS(Kind.BAD_REQUEST), SERVICE_NOT_FOUND(Kind.NOT_FOUND),
	MAIN_HAS_SHADOWS(Kind.BAD_REQUEST), RUNTIME_UNAVAILABLE(Kind.INTERNAL), RUNTIME_ERROR(Kind.BAD_REQUEST),
	UNAUTHENTICATED(Kind.UNAUTHENTICATED), FORBIDDEN(Kind.FORBIDDEN), INVALID_CREDENTIALS(Kind.UNAUTHENTICATED),
	TOO_MANY_ATTEMPTS(Kind.FORBIDDEN), USER_NOT_FOUND(Kind.NOT_FOUND), USER_EXISTS(Kind.BAD_REQUEST),
	ADMIN_PROTECTED(Kind.FORBIDDEN), TOKEN_NOT_FOUND(Kind.NOT_FOUND), NOTIFICATION_NOT_FOUND(Kind.NOT_FOUND),
	CONTAINER_NOT_FOUND(Kind.NOT_FOUND), QUERY_TOO_COSTLY(Kind.BAD_REQUEST), REQUEST_TOO_LARGE(Kind.BAD_REQUEST),
	TOO_MANY(Kind.BAD_REQUEST), UPLOAD_NOT_FOUND(Kind.NOT_FOUND), UPLOAD_TOO_LARGE(Kind.BAD_REQUEST),
	INVALID_SOURCE(Kind.BAD_REQUEST), BUILDER_NOT_FOUND(Kind.NOT_FOUND), BUILD_FAILED(Kind.BAD_REQUEST),
	HEALTH_CHECK_FAILED(Kind.BAD_REQUEST), DEPLOYMENT_NOT_FOUND(Kind.NOT_FOUND),
	DEPLOYMENT_IN_PROGRESS(Kind.BAD_REQUEST), DEPLOYMENT_CANCELLED(Kind.BAD_REQUEST),
	DEPLOYMENT_INTERRUPTED(Kind.INTERNAL), INTERNAL(Kind.INTERNAL);

	private final Kind kind;

	ErrorCode(Kind kind) {
		this.kind = kind;
	}

	/**
	 * What sort of failure this is, for the adapters' classification.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The sorts of failure, independent of any API.
	 */
	public enum Kind {

		/** The caller sent something wrong; sending it again fails again. */
		BAD_REQUEST,

		/** What the caller named does not exist. */
		NOT_FOUND,

		/** The caller is not known: no, or no valid, credentials. */
		UNAUTHENTICATED,

		/** The caller is known but may not do this. */
		FORBIDDEN,

		/** The manager or something it depends on failed. */
		INTERNAL

	}

}
