package io.daeploy.manager.service;

import java.time.Instant;

/**
 * A stored service version.
 *
 * @param id row id, {@code null} before it is stored
 * @param name service name
 * @param version service version
 * @param image image reference
 * @param port port the service listens on in its container
 * @param main whether it is the service's main version
 * @param spec its deploy options
 * @param createdAt when it was deployed
 * @param tokenId id of the service's own token, or {@code null}
 */
record ServiceRecord(Long id, String name, String version, String image, int port, boolean main, DeploySpec spec,
		Instant createdAt, String tokenId) {

	ServiceRecord withMain(boolean isMain) {
		return new ServiceRecord(this.id, this.name, this.version, this.image, this.port, isMain, this.spec,
				this.createdAt, this.tokenId);
	}

	ServiceRecord withOptions(int newPort, DeploySpec newSpec) {
		return new ServiceRecord(this.id, this.name, this.version, this.image, newPort, this.main, newSpec,
				this.createdAt, this.tokenId);
	}

	ServiceRecord withTokenId(String newTokenId) {
		return new ServiceRecord(this.id, this.name, this.version, this.image, this.port, this.main, this.spec,
				this.createdAt, newTokenId);
	}

}
