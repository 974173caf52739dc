package io.daeploy.manager.service;

import java.util.List;

import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;

/**
 * The validated deploy options of a service version, stored with it (as JSON) so that a
 * lost container can be re-created as it was deployed.
 *
 * @param env user environment, in order
 * @param command command overriding the image's, or {@code null}
 * @param volumes volume mounts
 * @param labels extra labels
 * @param restartPolicy restart policy
 * @param memoryBytes memory limit, or {@code null}
 * @param nanoCpus CPU limit in billionths of a core, or {@code null}
 */
record DeploySpec(List<DeployRequest.EnvVar> env, List<String> command, List<DeployRequest.Volume> volumes,
		List<DeployRequest.Label> labels, RestartPolicy restartPolicy, Long memoryBytes, Long nanoCpus) {

}
