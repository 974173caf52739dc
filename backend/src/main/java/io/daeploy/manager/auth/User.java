package io.daeploy.manager.auth;

import java.time.Instant;

/**
 * A user account.
 *
 * @param id row id
 * @param username unique name
 * @param role {@link Role#ADMIN} or {@link Role#USER}
 * @param createdAt when it was created
 */
public record User(long id, String username, Role role, Instant createdAt) {

}
