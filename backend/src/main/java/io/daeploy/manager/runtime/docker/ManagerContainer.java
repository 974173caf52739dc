package io.daeploy.manager.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The manager's own container, when it runs in one: found from the engine's mounts of
 * {@code /etc/hostname} and friends (or the host name Docker gives a container), and
 * joined to the services' network under the alias services reach the manager by, as the
 * original did. A container started with {@code --network <network> --network-alias
 * daeploy-manager} is left as it is.
 */
final class ManagerContainer {

	/** The name services reach the manager by on their network. */
	static final String ALIAS = "daeploy-manager";

	private static final Log logger = LogFactory.getLog(ManagerContainer.class);

	private static final Pattern MOUNTED = Pattern
		.compile("/containers/([0-9a-f]{64})/(?:hostname|hosts|resolv\\.conf)\\s");

	private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{12}");

	private ManagerContainer() {
	}

	/**
	 * This process's container id, as far as it can tell.
	 * @param mountinfo the text of {@code /proc/self/mountinfo}, or {@code null}
	 * @param hostname the {@code HOSTNAME} variable, or {@code null}
	 * @return the full id from the mounts, else a host name that looks like Docker's
	 * short id, else {@code null}
	 */
	static String id(String mountinfo, String hostname) {
		if (mountinfo != null) {
			Matcher matcher = MOUNTED.matcher(mountinfo);
			if (matcher.find()) {
				return matcher.group(1);
			}
		}
		if (hostname != null && SHORT_ID.matcher(hostname).matches()) {
			return hostname;
		}
		return null;
	}

	/**
	 * Makes sure the manager's container is on the network with {@link #ALIAS}. Never
	 * throws: what goes wrong is logged with what to do instead.
	 * @param client the engine
	 * @param network the services' network
	 * @return whether the container is on the network with the alias now
	 */
	static boolean join(DockerClient client, String network) {
		return join(client, network, id(mountinfo(), System.getenv("HOSTNAME")));
	}

	/**
	 * Makes sure a container is on the network with {@link #ALIAS}, re-connecting it when
	 * it is there without the alias. Never throws.
	 * @param client the engine
	 * @param network the services' network
	 * @param id the container, or {@code null} when it is not known
	 * @return whether the container is on the network with the alias now
	 */
	static boolean join(DockerClient client, String network, String id) {
		if (id == null) {
			logger.error("DAEPLOY_MANAGER_IN_CONTAINER is set, but the manager cannot tell which container it runs in;"
					+ " start it with --network " + network + " --network-alias " + ALIAS
					+ " (create the network first) or services cannot be reached");
			return false;
		}
		try {
			InspectContainerResponse self = client.inspectContainerCmd(id).exec();
			Map<String, ContainerNetwork> networks = (self.getNetworkSettings() != null)
					? self.getNetworkSettings().getNetworks() : null;
			ContainerNetwork current = (networks != null) ? networks.get(network) : null;
			if (current != null && current.getAliases() != null && current.getAliases().contains(ALIAS)) {
				return true;
			}
			if (current != null) {
				client.disconnectFromNetworkCmd().withContainerId(id).withNetworkId(network).exec();
			}
			client.connectToNetworkCmd()
				.withContainerId(id)
				.withNetworkId(network)
				.withContainerNetwork(new ContainerNetwork().withAliases(List.of(ALIAS)))
				.exec();
			logger.info("Joined Docker network " + network + " as " + ALIAS + " (container "
					+ id.substring(0, Math.min(12, id.length())) + ")");
			return true;
		}
		catch (NotFoundException ex) {
			logger.error("DAEPLOY_MANAGER_IN_CONTAINER is set, but container " + id + " is not on this Docker engine;"
					+ " start the manager with --network " + network + " --network-alias " + ALIAS
					+ " or services cannot be reached");
			return false;
		}
		catch (RuntimeException ex) {
			logger.error("Could not join Docker network " + network + " as " + ALIAS + ": " + ex.getMessage(), ex);
			return false;
		}
	}

	private static String mountinfo() {
		try {
			return Files.readString(Path.of("/proc/self/mountinfo"));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
