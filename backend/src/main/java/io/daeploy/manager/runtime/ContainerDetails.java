package io.daeploy.manager.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.runtime.ContainerSpec.RestartPolicy;

/**
 * Live details of one container.
 *
 * @param id container id
 * @param name container name
 * @param imageId id of the image it was created from
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
 */
public record ContainerDetails(String id, String name, String imageId, ContainerState state, boolean running,
		Instant startedAt, Instant finishedAt, Integer exitCode, String error, int restartCount, boolean oomKilled,
		String publishedAddress, RestartPolicy restartPolicy, List<String> command, Map<String, String> env,
		Map<String, String> labels) {

}
