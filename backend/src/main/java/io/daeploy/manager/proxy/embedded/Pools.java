package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Idle keep-alive connections to backends, one set per event loop: a connection is only
 * ever used by the loop that made it, so taking and returning one needs no lock. The most
 * recently returned connection is reused first.
 */
final class Pools {

	/** Idle connections kept per backend and event loop; more are closed. */
	private static final int MAX_IDLE = 256;

	private final FastThreadLocal<Map<InetSocketAddress, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {

		@Override
		protected Map<InetSocketAddress, ArrayDeque<Channel>> initialValue() {
			return new HashMap<>();
		}

	};

	/**
	 * Takes an open idle connection to a backend, if one is pooled on this event loop.
	 * @param address the backend
	 * @return the connection, or {@code null}
	 */
	Channel acquire(InetSocketAddress address) {
		ArrayDeque<Channel> channels = this.idle.get().get(address);
		while (channels != null && !channels.isEmpty()) {
			Channel channel = channels.pollLast();
			if (channel.isActive()) {
				return channel;
			}
		}
		return null;
	}

	/**
	 * Returns a connection whose exchange finished cleanly.
	 * @param address the backend
	 * @param channel the connection
	 */
	void release(InetSocketAddress address, Channel channel) {
		ArrayDeque<Channel> channels = this.idle.get().computeIfAbsent(address, (key) -> new ArrayDeque<>());
		if (channels.size() >= MAX_IDLE || !channel.isActive()) {
			channel.close();
			return;
		}
		channels.addLast(channel);
	}

	/**
	 * Forgets a connection that closed while idle.
	 * @param address the backend
	 * @param channel the connection
	 */
	void remove(InetSocketAddress address, Channel channel) {
		ArrayDeque<Channel> channels = this.idle.get().get(address);
		if (channels != null) {
			channels.remove(channel);
		}
	}

}
