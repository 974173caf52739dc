package io.daeploy.manager.runtime;

/**
 * A failure reported by a {@link RuntimeConnector}.
 */
public class RuntimeFailure extends RuntimeException {

	private final Kind kind;

	public RuntimeFailure(Kind kind, String message, Throwable cause) {
		super(message, cause);
		this.kind = kind;
	}

	public Kind kind() {
		return this.kind;
	}

	/**
	 * What went wrong.
	 */
	public enum Kind {

		/** The runtime does not answer. */
		UNAVAILABLE,
		/** The image is not present. */
		IMAGE_NOT_FOUND,
		/** A container of that name exists already. */
		CONFLICT,
		/** The runtime refused the request. */
		REFUSED

	}

}
