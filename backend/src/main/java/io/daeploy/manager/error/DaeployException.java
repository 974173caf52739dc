package io.daeploy.manager.error;

/**
 * An expected failure of a domain operation: it reaches the client as an error with a
 * stable code (GraphQL: {@code extensions.code}), and the operation has changed nothing.
 * Domain code names input fields plainly ({@code name}, {@code env[2]}); each API adapter
 * places them in its own request (GraphQL: {@code input.name}).
 */
public class DaeployException extends RuntimeException {

	private final ErrorCode code;

	private final String field;

	public DaeployException(ErrorCode code, String message) {
		this(code, message, null, null);
	}

	public DaeployException(ErrorCode code, String message, String field, Throwable cause) {
		super(message, cause);
		this.code = code;
		this.field = field;
	}

	/**
	 * A validation failure of one input field.
	 * @param code the code
	 * @param field the input field's path, e.g. {@code name} or {@code volumes[0].source}
	 * @param message what is wrong
	 * @return the exception
	 */
	public static DaeployException invalid(ErrorCode code, String field, String message) {
		return new DaeployException(code, message, field, null);
	}

	public ErrorCode code() {
		return this.code;
	}

	public String field() {
		return this.field;
	}

	/**
	 * Extra facts for the client, added to the error's {@code extensions}.
	 * @return extension entries, empty by default
	 */
	public java.util.Map<String, Object> extensions() {
		return java.util.Map.of();
	}

}
