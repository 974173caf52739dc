package io.daeploy.manager.auth;

import java.net.InetSocketAddress;

/**
 * Works out a caller's address, trusting {@code X-Forwarded-For} only from a loopback
 * peer (the manager's own proxy, which appends the client it saw).
 */
final class ClientAddresses {

	private ClientAddresses() {
	}

	static String of(InetSocketAddress peer, String forwardedFor) {
		String peerAddress = (peer != null && peer.getAddress() != null) ? peer.getAddress().getHostAddress()
				: "unknown";
		boolean loopback = peer != null && peer.getAddress() != null && peer.getAddress().isLoopbackAddress();
		if (loopback && forwardedFor != null && !forwardedFor.isBlank()) {
			String[] hops = forwardedFor.split(",");
			return hops[hops.length - 1].strip();
		}
		return peerAddress;
	}

}
