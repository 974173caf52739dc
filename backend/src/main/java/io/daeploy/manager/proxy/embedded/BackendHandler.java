package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One connection from the embedded proxy to a backend: relays the answer of the exchange
 * it is attached to back to the client, then goes back to the pool (or closes, when the
 * backend does not keep connections alive). After a {@code 101 Switching Protocols} it
 * relays bytes both ways until either side closes.
 * <p>
 * Answers are checked and re-framed on the way: a malformed one (not HTTP, oversized
 * headers, a bad chunk, a {@code Transfer-Encoding} other than {@code chunked} or beside
 * a {@code Content-Length}) becomes a 502 when nothing of it was sent yet and a cut
 * connection otherwise, never a well-formed empty answer; a body that ends when the
 * backend closes reaches an HTTP/1.1 client chunked (an HTTP/1.0 client reads it until
 * the proxy closes); hop-by-hop headers and those named in {@code Connection} are
 * dropped.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

	static final String CODEC = "http-codec";

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
			if (response.decoderResult().isFailure() || !wellFramed(response)) {
				ReferenceCountUtil.release(msg);
				malformed(ctx, current);
				return;
			}
			int code = response.status().code();
			this.interim = code >= 100 && code < 200 && code != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
			if (!this.interim) {
				current.status = code;
				current.responseStarted = true;
				this.keepAlive = HttpUtil.isKeepAlive(response);
			}
			HttpHeaders headers = response.headers();
			String upgrade = headers.get(HttpHeaderNames.UPGRADE);
			Frontend.dropHopByHop(headers);
			if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code() && upgrade != null) {
				headers.set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE).set(HttpHeaderNames.UPGRADE, upgrade);
			}
			else if (!this.interim) {
				// the proxy speaks its own HTTP version to the client (RFC 9110 §6.2)
				response.setProtocolVersion(HttpVersion.HTTP_1_1);
				if (closeDelimited(response, current.request)) {
					// the body ends when the backend closes: the client needs another end
					this.keepAlive = false;
					if (current.request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0) {
						HttpUtil.setTransferEncodingChunked(response, true);
					}
				}
			}
		}
		else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
			ReferenceCountUtil.release(msg);
			malformed(ctx, current);
			return;
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

	/**
	 * The backend answered what is not HTTP (or cut it): never reused, and the client
	 * gets a 502 when nothing of the answer went out yet, else a cut connection.
	 */
	private void malformed(ChannelHandlerContext ctx, Exchange current) {
		this.exchange = null;
		ctx.close();
		current.frontend.failed(current, false);
	}

	/**
	 * Whether an answer's body is framed one way only, as {@link Frontend#wellFramed}
	 * asks of requests.
	 */
	static boolean wellFramed(HttpResponse response) {
		return Frontend.wellFramed(response.headers());
	}

	/**
	 * Whether an answer's body runs until the backend closes the connection (no length,
	 * not chunked: HTTP/1.0 servers, CGI scripts).
	 */
	static boolean closeDelimited(HttpResponse response, HttpRequest request) {
		int code = response.status().code();
		if (code < 200 || code == HttpResponseStatus.NO_CONTENT.code() || code == HttpResponseStatus.NOT_MODIFIED.code()
				|| request.method() == HttpMethod.HEAD) {
			return false;
		}
		return !HttpUtil.isContentLengthSet(response) && !HttpUtil.isTransferEncodingChunked(response);
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
