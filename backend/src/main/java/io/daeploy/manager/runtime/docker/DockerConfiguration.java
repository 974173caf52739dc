package io.daeploy.manager.runtime.docker;

import java.time.Duration;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.runtime.RuntimeConnector;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the Docker implementation of {@link RuntimeConnector}: one shared docker-java
 * client and a bounded scheduler of daemon threads for its blocking calls, plus clients
 * without a response timeout, and a scheduler of their own, for long streams.
 */
@Configuration(proxyBeanMethods = false)
class DockerConfiguration {

	/** The threads of the scheduler for blocking engine calls. */
	private static final int DOCKER_THREADS = 32;

	private static final Pattern INSTANCE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}");

	@Bean(destroyMethod = "close")
	DockerClient dockerClient(DaeployProperties properties) {
		DockerClientConfig config = config(properties);
		return DockerClientImpl.getInstance(config, http(config, Duration.ofMinutes(2)));
	}

	private static DockerClientConfig config(DaeployProperties properties) {
		DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
		if (properties.docker().host() != null && !properties.docker().host().isBlank()) {
			builder.withDockerHost(properties.docker().host());
		}
		return builder.build();
	}

	private static DockerHttpClient http(DockerClientConfig config, Duration responseTimeout) {
		return http(config, responseTimeout, 64);
	}

	/**
	 * The client that follows service logs: a connection for every stream the connector
	 * lets open, and some for the short questions a stalled stream asks on the docker
	 * scheduler; fewer would leave a stream past the pool waiting minutes to open.
	 * @param config where the engine is
	 * @param maxLogStreams the most log streams open at once
	 * @return the client
	 */
	static DockerHttpClient logClient(DockerClientConfig config, int maxLogStreams) {
		return http(config, null, maxLogStreams + DOCKER_THREADS);
	}

	private static DockerHttpClient http(DockerClientConfig config, Duration responseTimeout, int connections) {
		ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
			.sslConfig(config.getSSLConfig())
			.maxConnections(connections)
			.connectionTimeout(Duration.ofSeconds(5));
		if (responseTimeout != null) {
			http.responseTimeout(responseTimeout);
		}
		return http.build();
	}

	@Bean(destroyMethod = "dispose")
	Scheduler dockerScheduler() {
		return Schedulers.newBoundedElastic(DOCKER_THREADS, 10_000, "docker", 60, true);
	}

	@Bean(destroyMethod = "dispose")
	@Qualifier("dockerLogs")
	Scheduler dockerLogScheduler(DaeployProperties properties) {
		// one thread per open stream waits for its next line; the connector bounds the
		// streams, so tasks never queue behind a waiting one
		return Schedulers.newBoundedElastic(properties.docker().maxLogStreams() + 1, 16, "docker-logs", 60, true);
	}

	@Bean
	DockerRuntimeConnector runtimeConnector(DockerClient dockerClient, Scheduler dockerScheduler,
			@Qualifier("dockerLogs") Scheduler dockerLogScheduler, DaeployProperties properties) {
		if (!INSTANCE.matcher(properties.instance()).matches()) {
			throw new IllegalStateException("DAEPLOY_INSTANCE must be 1 to 32 letters, digits, '_', '.' or '-',"
					+ " starting with a letter or digit (it becomes part of container names): '" + properties.instance()
					+ "'");
		}
		DockerClientConfig config = config(properties);
		DockerClient streamClient = DockerClientImpl.getInstance(config, http(config, null));
		DockerHttpClient logClient = logClient(config, properties.docker().maxLogStreams());
		return new DockerRuntimeConnector(dockerClient, streamClient, logClient, dockerScheduler, dockerLogScheduler,
				new DockerRuntimeConnector.Settings(properties.docker().network(properties.instance()),
						properties.instance(), !properties.managerInContainer(), properties.docker().maxLogStreams()));
	}

	@Bean(destroyMethod = "close")
	DockerRuntimeImages runtimeImages(DockerClient dockerClient, Scheduler dockerScheduler,
			@Qualifier("dockerLogs") Scheduler dockerLogScheduler, DaeployProperties properties) {
		DockerClientConfig config = config(properties);
		DockerClient streamClient = DockerClientImpl.getInstance(config, http(config, null));
		return new DockerRuntimeImages(dockerClient, streamClient, http(config, null), dockerScheduler,
				dockerLogScheduler, properties.instance());
	}

}
