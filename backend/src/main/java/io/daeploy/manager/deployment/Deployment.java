package io.daeploy.manager.deployment;

import java.time.Instant;

import io.daeploy.manager.error.ErrorCode;

/**
 * One deployment job: a deploy, stop, start or restart of a service version, and how it
 * went.
 *
 * @param id its id
 * @param kind what it does
 * @param state where it is
 * @param reason why it failed or was cancelled, {@code null} otherwise
 * @param code the error code of a failure, {@code null} otherwise
 * @param serviceName service name
 * @param serviceVersion service version
 * @param source what it deploys from, as shown to users (no credentials)
 * @param builderImage the builder of a build, else {@code null}
 * @param image the image the version runs (for a build, the one it is built as)
 * @param built whether this deployment builds (or loads) {@code image} itself
 * @param healthCheck the version's health check, or {@code null}
 * @param tokenId the id of the token a deploy gives its version, recorded before the
 * token is issued
 * @param createdBy who submitted it
 * @param createdAt when it was submitted
 * @param startedAt when it left the queue, or {@code null}
 * @param finishedAt when it ended, or {@code null}
 */
public record Deployment(long id, Kind kind, DeploymentState state, String reason, ErrorCode code, String serviceName,
		String serviceVersion, String source, String builderImage, String image, boolean built, HealthCheck healthCheck,
		String tokenId, String createdBy, Instant createdAt, Instant startedAt, Instant finishedAt) {

	/**
	 * What a deployment does.
	 */
	public enum Kind {

		DEPLOY, STOP, START, RESTART

	}

	Deployment with(DeploymentState newState, Instant at) {
		Instant started = (this.startedAt == null && newState != DeploymentState.QUEUED) ? at : this.startedAt;
		Instant finished = newState.isFinal() ? at : this.finishedAt;
		return new Deployment(this.id, this.kind, newState, this.reason, this.code, this.serviceName,
				this.serviceVersion, this.source, this.builderImage, this.image, this.built, this.healthCheck,
				this.tokenId, this.createdBy, this.createdAt, started, finished);
	}

	Deployment failed(DeploymentState end, ErrorCode failure, String why, Instant at) {
		return new Deployment(this.id, this.kind, end, why, failure, this.serviceName, this.serviceVersion, this.source,
				this.builderImage, this.image, this.built, this.healthCheck, this.tokenId, this.createdBy,
				this.createdAt, (this.startedAt != null) ? this.startedAt : at, at);
	}

	Deployment withImage(String newImage, boolean isBuilt) {
		return new Deployment(this.id, this.kind, this.state, this.reason, this.code, this.serviceName,
				this.serviceVersion, this.source, this.builderImage, newImage, isBuilt, this.healthCheck, this.tokenId,
				this.createdBy, this.createdAt, this.startedAt, this.finishedAt);
	}

	Deployment withTokenId(String newTokenId) {
		return new Deployment(this.id, this.kind, this.state, this.reason, this.code, this.serviceName,
				this.serviceVersion, this.source, this.builderImage, this.image, this.built, this.healthCheck,
				newTokenId, this.createdBy, this.createdAt, this.startedAt, this.finishedAt);
	}

}
