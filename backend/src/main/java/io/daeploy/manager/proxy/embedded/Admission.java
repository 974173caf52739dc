package io.daeploy.manager.proxy.embedded;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts the client connections of the embedded proxy, in all and per client address, and
 * closes a new connection at once, before it is registered with an event loop, when
 * either cap is reached. It sits on the server channel, where accepted connections pass
 * before they get a pipeline, so a refused connection costs an accept and a close.
 */
@Sharable
final class Admission extends ChannelInboundHandlerAdapter {

	private static final Log logger = LogFactory.getLog(Admission.class);

	private static final long LOG_EVERY = TimeUnit.MINUTES.toNanos(1);

	private final int maxConnections;

	private final int maxPerClient;

	private final AtomicInteger open = new AtomicInteger();

	private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY);

	Admission(int maxConnections, int maxPerClient) {
		this.maxConnections = maxConnections;
		this.maxPerClient = maxPerClient;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		Channel child = (Channel) msg;
		InetAddress client = address(child.remoteAddress());
		String refusal = admit(client);
		if (refusal != null) {
			child.unsafe().closeForcibly();
			refused(client, refusal);
			return;
		}
		child.closeFuture().addListener((ChannelFutureListener) (future) -> release(client));
		ctx.fireChannelRead(child);
	}

	/**
	 * Counts a new connection in, unless a cap is reached.
	 * @return {@code null} when admitted, else which cap refused it
	 */
	private String admit(InetAddress client) {
		if (this.open.incrementAndGet() > this.maxConnections) {
			this.open.decrementAndGet();
			return this.maxConnections + " connections open in all (DAEPLOY_PROXY_MAX_CONNECTIONS)";
		}
		if (client == null) {
			return null;
		}
		boolean[] admitted = { false };
		this.perClient.compute(client, (key, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= this.maxPerClient) {
				return count;
			}
			admitted[0] = true;
			return current + 1;
		});
		if (!admitted[0]) {
			this.open.decrementAndGet();
			return this.maxPerClient + " connections open from that address (DAEPLOY_PROXY_MAX_CONNECTIONS_PER_CLIENT)";
		}
		return null;
	}

	private void release(InetAddress client) {
		this.open.decrementAndGet();
		if (client != null) {
			this.perClient.computeIfPresent(client, (key, count) -> (count <= 1) ? null : count - 1);
		}
	}

	private void refused(InetAddress client, String reason) {
		int count = this.refused.incrementAndGet();
		long now = System.nanoTime();
		long last = this.lastLogged.get();
		if (now - last >= LOG_EVERY && this.lastLogged.compareAndSet(last, now)) {
			this.refused.addAndGet(-count);
			logger.warn("Refused " + count + " connection(s) since the last report (at most one a minute); this one"
					+ " from " + ((client != null) ? client.getHostAddress() : "an unknown address") + ": " + reason);
		}
	}

	private static InetAddress address(SocketAddress remote) {
		return (remote instanceof InetSocketAddress inet) ? inet.getAddress() : null;
	}

	/**
	 * The process's file descriptor limit.
	 * @return the limit, or -1 when the JVM does not tell
	 */
	static long descriptorLimit() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
			return unix.getMaxFileDescriptorCount();
		}
		return -1;
	}

}
