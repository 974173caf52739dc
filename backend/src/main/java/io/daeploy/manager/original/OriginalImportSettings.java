package io.daeploy.manager.original;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where to move from.
 *
 * @param importFrom the original Daeploy's {@code daeploy_manager_db.db}, imported on a
 * first start ({@code DAEPLOY_IMPORT_FROM}); unset: nothing is imported
 */
@ConfigurationProperties("daeploy")
public record OriginalImportSettings(Path importFrom) {

}
