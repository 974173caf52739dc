package io.daeploy.manager.deployment;

import java.util.List;

import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.service.DeployRequest;
import io.daeploy.manager.service.ServiceView;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of {@link Deployments}.
 */
@Controller
class DeploymentController {

	private final Deployments deployments;

	DeploymentController(Deployments deployments) {
		this.deployments = deployments;
	}

	@MutationMapping
	Mono<Payload> deployService(@Argument DeployServiceInput input) {
		return this.deployments.deploy(input.toCommand()).map(Payload::new);
	}

	@MutationMapping
	Mono<Payload> stopService(@Argument VersionInput input) {
		return this.deployments.stop(input.name(), input.version()).map(Payload::new);
	}

	@MutationMapping
	Mono<Payload> startService(@Argument VersionInput input) {
		return this.deployments.start(input.name(), input.version()).map(Payload::new);
	}

	@MutationMapping
	Mono<Payload> restartService(@Argument VersionInput input) {
		return this.deployments.restart(input.name(), input.version()).map(Payload::new);
	}

	@MutationMapping
	Mono<Payload> cancelDeployment(@Argument CancelInput input) {
		return this.deployments.cancel(id(input.id(), "id")).map(Payload::new);
	}

	@SchemaMapping(typeName = "DeployServicePayload", field = "service")
	Mono<ServiceView> deployed(Payload payload) {
		return this.deployments.outcome(payload.deployment().id());
	}

	@SchemaMapping(typeName = "StopServicePayload", field = "service")
	Mono<ServiceView> stopped(Payload payload) {
		return this.deployments.outcome(payload.deployment().id());
	}

	@SchemaMapping(typeName = "StartServicePayload", field = "service")
	Mono<ServiceView> started(Payload payload) {
		return this.deployments.outcome(payload.deployment().id());
	}

	@SchemaMapping(typeName = "RestartServicePayload", field = "service")
	Mono<ServiceView> restarted(Payload payload) {
		return this.deployments.outcome(payload.deployment().id());
	}

	@QueryMapping
	Mono<Deployment> deployment(@Argument String id) {
		return this.deployments.get(id(id, "id"));
	}

	@QueryMapping
	Mono<Deployments.Page> deployments(@Argument Integer first, @Argument String before, @Argument String serviceName) {
		return this.deployments.page((first != null) ? first : 20, (before != null) ? id(before, "before") : null,
				serviceName);
	}

	@SchemaMapping(typeName = "Deployment")
	String id(Deployment deployment) {
		return Long.toString(deployment.id());
	}

	@SchemaMapping(typeName = "Deployment")
	Mono<List<LogLine>> log(Deployment deployment, @Argument Integer tail) {
		return this.deployments.log(deployment.id(), (tail != null) ? tail : 200);
	}

	@SubscriptionMapping
	Flux<Event> deploymentEvents(@Argument String id) {
		return this.deployments.events(id(id, "id"))
			.map((event) -> new Event(Long.toString(event.deploymentId()), event.state(), event.deployment(),
					event.line()));
	}

	/**
	 * A deployment id; one that is not a number names no deployment (which the domain
	 * says, after it checked the caller).
	 */
	private static long id(String id, String field) {
		try {
			return Long.parseLong(id);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	record Payload(Deployment deployment) {
	}

	record Event(String id, DeploymentState state, Deployment deployment, LogLine line) {
	}

	record VersionInput(String name, String version) {
	}

	record CancelInput(String id) {
	}

	record DeployServiceInput(String name, String version, String image, DeployCommand.Source source,
			String builderImage, DeployCommand.Health healthCheck, Integer port, List<DeployRequest.EnvVar> env,
			List<String> command, List<DeployRequest.Volume> volumes, List<DeployRequest.Label> labels,
			RestartPolicy restartPolicy, DeployRequest.Resources resources) {

		DeployCommand toCommand() {
			return new DeployCommand(this.name, this.version, this.image, this.source, this.builderImage,
					this.healthCheck, this.port, this.env, this.command, this.volumes, this.labels, this.restartPolicy,
					this.resources);
		}

	}

}
