package io.daeploy.manager.service;

import java.time.Instant;
import java.util.List;

import io.daeploy.manager.proxy.TrafficStats;
import io.daeploy.manager.runtime.ContainerDetails;
import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of {@link ServiceManager}.
 */
@Controller
class ServiceController {

	private final ServiceManager services;

	private final TrafficStats traffic;

	private final ServiceEvents events;

	ServiceController(ServiceManager services, TrafficStats traffic, ServiceEvents events) {
		this.services = services;
		this.traffic = traffic;
		this.events = events;
	}

	@SubscriptionMapping
	Flux<ServiceEvents.ServiceEvent> serviceEvents(@Argument String name) {
		return this.events.events(name);
	}

	@QueryMapping
	Flux<ServiceView> services(@Argument String name) {
		return this.services.list(name);
	}

	@QueryMapping
	Mono<ServiceView> service(@Argument String name, @Argument String version) {
		return this.services.get(name, version);
	}

	@SchemaMapping(typeName = "Service")
	Mono<Inspection> inspection(ServiceView service) {
		return this.services.inspect(service.name(), service.version()).map(Inspection::of);
	}

	@SchemaMapping(typeName = "Service")
	Traffic traffic(ServiceView service) {
		TrafficStats.VersionTraffic figures = this.traffic.snapshot(service.name() + "_" + service.version());
		Instant since = figures.since().isAfter(service.createdAt()) ? figures.since() : service.createdAt();
		return new Traffic(clamp(figures.requests()), clamp(figures.mirrored()), clamp(figures.serverErrors()),
				figures.p50Ms(), figures.p90Ms(), figures.p99Ms(), figures.lastRequestAt(), since);
	}

	private static int clamp(long count) {
		return (int) Math.min(Integer.MAX_VALUE, count);
	}

	record Traffic(int requests, int mirrored, int serverErrors, Double p50Ms, Double p90Ms, Double p99Ms,
			Instant lastRequestAt, Instant since) {
	}

	@MutationMapping
	Mono<KillServicePayload> killService(@Argument KillServiceInput input) {
		return this.services
			.kill(input.name(), input.version(), Boolean.TRUE.equals(input.removeImage()), input.newMain())
			.map((removed) -> new KillServicePayload(input.name(), input.version(), removed));
	}

	@MutationMapping
	Mono<ServiceManager.MainSwitch> assignMainVersion(@Argument AssignMainVersionInput input) {
		return this.services.assignMain(input.name(), input.version());
	}

	record KillServiceInput(String name, String version, Boolean removeImage, String newMain) {
	}

	record AssignMainVersionInput(String name, String version) {
	}

	record KillServicePayload(String name, String version, boolean imageRemoved) {
	}

	record EnvVar(String name, String value, boolean secret) {
	}

	record Label(String key, String value) {
	}

	record Inspection(String containerId, String containerName, String imageId, ServiceState status, boolean running,
			Instant startedAt, Instant finishedAt, Integer exitCode, String error, int restartCount, boolean oomKilled,
			String publishedAddress, RestartPolicy restartPolicy, List<String> command, List<EnvVar> env,
			List<Label> labels) {

		static Inspection of(ContainerDetails details) {
			return new Inspection(details.id(), details.name(), details.imageId(), ServiceState.of(details.state()),
					details.running(), details.startedAt(), details.finishedAt(), details.exitCode(), details.error(),
					details.restartCount(), details.oomKilled(), details.publishedAddress(), details.restartPolicy(),
					details.command(),
					details.env()
						.entrySet()
						.stream()
						.map((e) -> new EnvVar(e.getKey(), e.getValue(), ServiceManager.MASK.equals(e.getValue())))
						.toList(),
					details.labels().entrySet().stream().map((e) -> new Label(e.getKey(), e.getValue())).toList());
		}

	}

}
