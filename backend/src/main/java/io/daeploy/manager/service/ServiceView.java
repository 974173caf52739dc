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
 * @param stateSince when it entered that state (its container's last start or exit), or
 * {@code null} when not known
 * @param url this version's own URL through the proxy, on {@code DAEPLOY_HOST_NAME}
 * @param path this version's own path on the services' port
 * ({@code /services/<name>_<version>/})
 * @param serviceUrl for the main version, its service's URL ({@code /services/<name>/} on
 * {@code DAEPLOY_HOST_NAME}); {@code null} for a shadow
 * @param servicePath for the main version, its service's path; {@code null} for a shadow
 * @param createdAt when it was deployed
 */
public record ServiceView(String name, String version, String image, int port, boolean main, ServiceState state,
		Instant stateSince, String url, String path, String serviceUrl, String servicePath, Instant createdAt) {

}
