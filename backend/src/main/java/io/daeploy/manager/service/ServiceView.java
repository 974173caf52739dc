package io.daeploy.manager.service;

import java.time.Instant;

/**
 * A service version as clients see it: stored facts plus its state in the runtime.
 *
 * @param name service name
 * @param version service version
 * @param image image reference
 * @param port port the service listens on in its container
 * @param main whether it is the service's main version
 * @param state its state in the runtime
 * @param url the URL users reach it at through the proxy
 * @param createdAt when it was deployed
 */
public record ServiceView(String name, String version, String image, int port, boolean main, ServiceState state,
		String url, Instant createdAt) {

}
