package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One connection from the embedded proxy to a backend: relays the answer of the exchange
 * it is attached to back to the client, then goes back to the pool (or closes, when the
 * backend does not keep connections alive). After a {@code 101 Switching Protocols} it
 * relays bytes both ways until either side closes.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

	static final String CODEC = "http-codec";

	/** Response headers that describe one connection, not the message. */
	private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
			HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, "proxy-connection");

	private final InetSocketAddress address;

	private Exchange exchange;

	private Channel client;

	private boolean keepAlive;

	private boolean interim;

	private boolean tunnel;

	BackendHandler(InetSocketAddress address) {
		this.address = address;
	}

	void attach(Exchange exchange, Channel client) {
		this.exchange = exchange;
		this.client = client;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.tunnel) {
			this.client.write(msg);
			return;
		}
		Exchange current = this.exchange;
		if (current == null) {
			// nothing asked: a backend speaking out of turn is not reused
			ReferenceCountUtil.release(msg);
			ctx.close();
			return;
		}
		if (msg instanceof HttpResponse response) {
			int code = response.status().code();
			this.interim = code >= 100 && code < 200 && code != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
			if (!this.interim) {
				current.status = code;
				current.responseStarted = true;
				this.keepAlive = HttpUtil.isKeepAlive(response);
			}
			HttpHeaders headers = response.headers();
			String upgrade = headers.get(HttpHeaderNames.UPGRADE);
			for (CharSequence name : HOP_BY_HOP) {
				headers.remove(name);
			}
			if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code() && upgrade != null) {
				headers.set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE).set(HttpHeaderNames.UPGRADE, upgrade);
			}
		}
		boolean last = msg instanceof LastHttpContent;
		if (!(msg instanceof HttpResponse) && !(msg instanceof HttpContent)) {
			ReferenceCountUtil.release(msg);
			return;
		}
		this.client.write(msg);
		if (!last) {
			return;
		}
		if (this.interim) {
			this.interim = false;
			return;
		}
		if (current.status == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
			switchToTunnel(ctx, current);
			return;
		}
		this.exchange = null;
		boolean reusable = this.keepAlive && current.requestComplete;
		current.frontend.answered(current);
		if (reusable) {
			Frontend.POOLS.release(this.address, ctx.channel());
		}
		else {
			ctx.close();
		}
	}

	private void switchToTunnel(ChannelHandlerContext ctx, Exchange current) {
		this.exchange = null;
		this.tunnel = true;
		this.client.flush();
		current.frontend.tunnel(current, ctx.channel());
		// bytes that came with the 101 are handed on by the codec as it is removed
		ctx.pipeline().remove(CODEC);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.client != null) {
			this.client.flush();
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (this.tunnel) {
			this.client.config().setAutoRead(ctx.channel().isWritable());
		}
		else if (this.exchange != null) {
			this.exchange.frontend.updateRead();
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.tunnel) {
			this.client.flush();
			this.client.close();
		}
		else if (this.exchange != null) {
			Exchange current = this.exchange;
			this.exchange = null;
			current.frontend.failed(current, true);
		}
		else {
			Frontend.POOLS.remove(this.address, ctx.channel());
		}
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

}
