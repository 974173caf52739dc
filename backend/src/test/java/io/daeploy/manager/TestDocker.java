package io.daeploy.manager;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * A Docker client of the test's own, for checking and arranging what the manager sees.
 */
public final class TestDocker {

	private TestDocker() {
	}

	/**
	 * A new client of the local engine; close it after use.
	 * @return the client
	 */
	public static DockerClient client() {
		DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
		return DockerClientImpl.getInstance(config,
				new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
	}

}
