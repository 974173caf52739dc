package io.daeploy.manager.audit;

import java.time.Instant;

/**
 * One recorded mutation.
 *
 * @param id row id
 * @param at when it ran
 * @param actor who called
 * @param action the mutation field
 * @param arguments its arguments as JSON, secrets replaced by {@code ***}
 * @param outcome {@code OK} or the error code
 */
public record AuditEntry(long id, Instant at, String actor, String action, String arguments, String outcome) {

}
