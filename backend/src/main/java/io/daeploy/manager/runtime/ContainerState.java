package io.daeploy.manager.runtime;

import java.util.Locale;

/**
 * The life-cycle state of a container, as the runtime reports it.
 */
public enum ContainerState {

	CREATED, RUNNING, RESTARTING, PAUSED, EXITED, DEAD, REMOVING, UNKNOWN;

	/**
	 * Maps a runtime's state word ({@code running}, {@code exited}...) to a state.
	 * @param state the runtime's word, may be {@code null}
	 * @return the state, {@link #UNKNOWN} when the word is not known
	 */
	public static ContainerState of(String state) {
		if (state == null) {
			return UNKNOWN;
		}
		try {
			return valueOf(state.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return UNKNOWN;
		}
	}

}
