package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Target;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * A mirrored copy of a request on its way to a shadow. Shadows get connections of their
 * own (never the main route's), a timeout, and a cap on copies in flight per event loop,
 * beyond which copies are dropped: a slow shadow costs the main route nothing but the
 * copy. The shadow's answer is measured for its traffic figures, then discarded.
 */
final class Mirror extends ChannelInboundHandlerAdapter {

	private static final Pools SHADOW_POOLS = new Pools();

	private static final FastThreadLocal<Map<InetSocketAddress, int[]>> IN_FLIGHT = new FastThreadLocal<>() {

		@Override
		protected Map<InetSocketAddress, int[]> initialValue() {
			return new HashMap<>();
		}

	};

	private final EmbeddedProxy proxy;

	private final Target shadow;

	private long start;

	private int status = HttpResponseStatus.BAD_GATEWAY.code();

	private boolean keepAlive;

	private boolean busy;

	private ScheduledFuture<?> timeout;

	private Mirror(EmbeddedProxy proxy, Target shadow) {
		this.proxy = proxy;
		this.shadow = shadow;
	}

	/**
	 * Sends a copy of a request to a shadow, unless too many are in flight to it.
	 * @param loop the event loop of the client connection (shadow connections live there)
	 * @param headers the copy's headers, shared by all shadows (never changed here)
	 * @param body the request body, or {@code null}; not released here
	 */
	static void send(EmbeddedProxy proxy, EventLoop loop, Target shadow, HttpMethod method, String uri,
			HttpHeaders headers, ByteBuf body) {
		int[] inFlight = IN_FLIGHT.get().computeIfAbsent(shadow.address(), (key) -> new int[1]);
		if (inFlight[0] >= proxy.settings().maxMirrorsInFlight()) {
			return;
		}
		inFlight[0]++;
		ByteBuf content = (body != null) ? body.retainedDuplicate() : Unpooled.EMPTY_BUFFER;
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, content, headers,
				HttpHeaders.EMPTY_HEADERS);
		Channel pooled = SHADOW_POOLS.acquire(shadow.address());
		if (pooled != null) {
			pooled.pipeline().get(Mirror.class).exchange(pooled, request);
			return;
		}
		Mirror handler = new Mirror(proxy, shadow);
		handler.start = System.nanoTime();
		handler.busy = true;
		proxy.backends().clone(loop).handler(new ChannelInitializer<Channel>() {

			@Override
			protected void initChannel(Channel channel) {
				channel.pipeline().addLast(new HttpClientCodec(4096, 16384, 65536)).addLast(handler);
			}

		}).connect(shadow.address()).addListener((ChannelFutureListener) (future) -> {
			if (future.isSuccess()) {
				handler.busy = false;
				handler.exchange(future.channel(), request);
			}
			else {
				request.release();
				handler.done(null, HttpResponseStatus.BAD_GATEWAY.code());
			}
		});
	}

	private void exchange(Channel channel, FullHttpRequest request) {
		this.busy = true;
		this.start = System.nanoTime();
		this.status = HttpResponseStatus.BAD_GATEWAY.code();
		this.timeout = channel.eventLoop().schedule(() -> {
			done(null, HttpResponseStatus.GATEWAY_TIMEOUT.code());
			channel.close();
		}, this.proxy.settings().shadowTimeout().toNanos(), TimeUnit.NANOSECONDS);
		channel.writeAndFlush(request).addListener((ChannelFutureListener) (future) -> {
			if (!future.isSuccess()) {
				future.channel().close();
			}
		});
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		try {
			if (msg instanceof HttpResponse response) {
				this.status = response.status().code();
				this.keepAlive = HttpUtil.isKeepAlive(response);
			}
			if (msg instanceof LastHttpContent && this.busy && this.status >= 200) {
				boolean reuse = this.keepAlive;
				done(ctx.channel(), this.status);
				if (reuse) {
					SHADOW_POOLS.release(this.shadow.address(), ctx.channel());
				}
				else {
					ctx.close();
				}
			}
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.busy) {
			done(null, HttpResponseStatus.BAD_GATEWAY.code());
		}
		else {
			SHADOW_POOLS.remove(this.shadow.address(), ctx.channel());
		}
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

	private void done(Channel channel, int code) {
		if (!this.busy) {
			return;
		}
		this.busy = false;
		if (this.timeout != null) {
			this.timeout.cancel(false);
			this.timeout = null;
		}
		int[] inFlight = IN_FLIGHT.get().get(this.shadow.address());
		if (inFlight != null && inFlight[0] > 0) {
			inFlight[0]--;
		}
		this.proxy.stats().record(this.shadow.key(), true, code, System.nanoTime() - this.start);
	}

}
