package io.daeploy.manager.licence;

import java.time.Instant;

/**
 * The licence as the API shows it.
 *
 * @param state where it stands
 * @param holder who holds it; {@code null} when there is none or it is invalid
 * @param expiresAt when it expires; {@code null} likewise
 * @param activatedAt when the stored key was activated; {@code null} in community mode
 * @param limits what it allows ({@link Licence.Limits#NONE} in community mode)
 * @param problem why an invalid licence is invalid, or {@code null}
 */
public record LicenceStatus(LicenceState state, String holder, Instant expiresAt, Instant activatedAt,
		Licence.Limits limits, String problem) {
}
