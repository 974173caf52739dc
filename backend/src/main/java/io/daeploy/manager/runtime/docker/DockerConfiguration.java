package io.daeploy.manager.runtime.docker;

import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.runtime.RuntimeConnector;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the Docker implementation of {@link RuntimeConnector}: one shared docker-java
 * client and a bounded scheduler of daemon threads for its blocking calls.
 */
@Configuration(proxyBeanMethods = false)
class DockerConfiguration {

	@Bean(destroyMethod = "close")
	DockerClient dockerClient(DaeployProperties properties) {
		return client(properties, Duration.ofMinutes(2));
	}

	private static DockerClient client(DaeployProperties properties, Duration responseTimeout) {
		DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
		if (properties.docker().host() != null && !properties.docker().host().isBlank()) {
			builder.withDockerHost(properties.docker().host());
		}
		DockerClientConfig config = builder.build();
		ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
			.sslConfig(config.getSSLConfig())
			.maxConnections(64)
			.connectionTimeout(Duration.ofSeconds(5));
		if (responseTimeout != null) {
			http.responseTimeout(responseTimeout);
		}
		return DockerClientImpl.getInstance(config, http.build());
	}

	@Bean(destroyMethod = "dispose")
	Scheduler dockerScheduler() {
		return Schedulers.newBoundedElastic(32, 10_000, "docker", 60, true);
	}

	@Bean
	DockerRuntimeConnector runtimeConnector(DockerClient dockerClient, Scheduler dockerScheduler,
			DaeployProperties properties) {
		// long streams (events, log follows) get a client of their own, without a
		// response
		// timeout; the connector closes it
		return new DockerRuntimeConnector(dockerClient, client(properties, null), dockerScheduler,
				properties.docker().network(), properties.instance(), !properties.managerInContainer());
	}

}
