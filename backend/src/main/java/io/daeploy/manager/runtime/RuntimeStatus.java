package io.daeploy.manager.runtime;

/**
 * Whether the runtime answers.
 *
 * @param kind the runtime backend, e.g. {@code docker}
 * @param available whether it answered
 * @param version its version when it answered
 * @param message why it is unavailable, when it is
 */
public record RuntimeStatus(String kind, boolean available, String version, String message) {

}
