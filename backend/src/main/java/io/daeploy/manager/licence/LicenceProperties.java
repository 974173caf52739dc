package io.daeploy.manager.licence;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The licence settings ({@code daeploy.licence.*}, from {@code DAEPLOY_LICENCE_*}).
 *
 * @param publicKey the public key licence keys must be signed with, replacing the one the
 * manager ships ({@code DAEPLOY_LICENCE_PUBLIC_KEY}): the key itself, as a JWK (JSON) or
 * PEM ({@code -----BEGIN PUBLIC KEY-----}), or the path of a file holding one
 */
@ConfigurationProperties("daeploy.licence")
public record LicenceProperties(String publicKey) {
}
