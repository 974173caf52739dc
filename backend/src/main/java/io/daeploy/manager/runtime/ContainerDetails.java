package io.daeploy.manager.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;
import io.daeploy.manager.runtime.ContainerSpec.VolumeMount;

/**
 * Live details of one container: its state and everything it was created with, so that a
 * container the manager did not create can be adopted and re-created as it was.
 *
 * @param id container id
 * @param name container name
 * @param image the image reference it was created with
 * @param imageId id of the image it was created from
 * @param port the service port (from the labels), 0 when unknown
 * @param state container state
 * @param running whether it runs
 * @param startedAt last start, or {@code null}
 * @param finishedAt last exit, or {@code null}
 * @param exitCode last exit code, or {@code null}
 * @param error the runtime's error for the last start, or {@code null}
 * @param restartCount restarts by the runtime
 * @param oomKilled whether it was killed for lack of memory
 * @param publishedAddress {@code host:port} of the published service port, or
 * {@code null}
 * @param restartPolicy restart policy
 * @param command the command it runs
 * @param env its environment, in order
 * @param labels its labels
 * @param volumes its volume and bind mounts
 * @param memoryBytes its memory limit, or {@code null}
 * @param nanoCpus its CPU limit in billionths of a core, or {@code null}
 */
public record ContainerDetails(String id, String name, String image, String imageId, int port, ContainerState state,
		boolean running, Instant startedAt, Instant finishedAt, Integer exitCode, String error, int restartCount,
		boolean oomKilled, String publishedAddress, RestartPolicy restartPolicy, List<String> command,
		Map<String, String> env, Map<String, String> labels, List<VolumeMount> volumes, Long memoryBytes,
		Long nanoCpus) {

	/**
	 * The same details with another environment, e.g. with secrets masked.
	 * @param newEnv the environment
	 * @return the details
	 */
	public ContainerDetails withEnv(Map<String, String> newEnv) {
		return new ContainerDetails(this.id, this.name, this.image, this.imageId, this.port, this.state, this.running,
				this.startedAt, this.finishedAt, this.exitCode, this.error, this.restartCount, this.oomKilled,
				this.publishedAddress, this.restartPolicy, this.command, newEnv, this.labels, this.volumes,
				this.memoryBytes, this.nanoCpus);
	}

}
