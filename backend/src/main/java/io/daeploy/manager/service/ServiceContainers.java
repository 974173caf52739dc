package io.daeploy.manager.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ProxyConnector;
import io.daeploy.manager.runtime.ContainerSpec;

import org.springframework.stereotype.Component;

/**
 * What the runtime runs for a stored service version: its image, options and the
 * environment every service receives from the manager (which wins over the user's).
 */
@Component
class ServiceContainers {

	/**
	 * Environment variables the manager gives every service; they win over the user's.
	 */
	static final List<String> MANAGER_ENV = List.of("daeploy.name", "daeploy.version", "daeploy.auth",
			"DAEPLOY_MANAGER_URL", "DAEPLOY_MANAGER_HOSTNAME");

	private final DaeployProperties properties;

	private final ProxyConnector proxy;

	ServiceContainers(DaeployProperties properties, ProxyConnector proxy) {
		this.properties = properties;
		this.proxy = proxy;
	}

	/**
	 * What to run for a stored service version.
	 * @param service the version
	 * @param token the service's own token, for {@code daeploy.auth}
	 * @return the container spec
	 */
	ContainerSpec spec(ServiceRecord service, String token) {
		Map<String, String> env = new LinkedHashMap<>();
		for (DeployRequest.EnvVar variable : service.spec().env()) {
			env.put(variable.name(), variable.value());
		}
		env.put("daeploy.auth", token);
		env.put("daeploy.name", service.name());
		env.put("daeploy.version", service.version());
		env.put("DAEPLOY_MANAGER_URL", managerUrl());
		env.put("DAEPLOY_MANAGER_HOSTNAME", this.properties.hostName());
		Map<String, String> labels = new LinkedHashMap<>();
		for (DeployRequest.Label label : service.spec().labels()) {
			labels.put(label.key(), label.value());
		}
		List<ContainerSpec.VolumeMount> volumes = service.spec()
			.volumes()
			.stream()
			.map((volume) -> new ContainerSpec.VolumeMount(volume.source(), volume.target(),
					Boolean.TRUE.equals(volume.readOnly())))
			.toList();
		return new ContainerSpec(service.name(), service.version(), service.image(), service.port(), env,
				service.spec().command(), volumes, labels, service.spec().restartPolicy(), service.spec().memoryBytes(),
				service.spec().nanoCpus());
	}

	private String managerUrl() {
		String host = this.properties.managerInContainer() ? "daeploy-manager" : "host.docker.internal";
		return "http://" + host + ":" + this.proxy.httpPort();
	}

}
