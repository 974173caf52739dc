package io.daeploy.manager.proxy.embedded;

import java.util.ArrayDeque;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Keeps a client connection open across requests when both sides may, and closes it after
 * the answer that ends it: one whose request or answer says {@code close}, or whose body
 * can only end with the connection. Unlike Netty's {@code HttpServerKeepAliveHandler} it
 * knows that answers to {@code HEAD} and {@code 304} answers have no body whatever their
 * headers say, so those keep the connection, and it says {@code keep-alive} to an
 * HTTP/1.0 client that asked for it.
 */
final class KeepAlive extends ChannelDuplexHandler {

	/** One entry per request read and not answered yet: pipelined ones queue. */
	private final ArrayDeque<Request> requests = new ArrayDeque<>(2);

	private boolean closeAfterAnswer;

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest request) {
			this.requests.add(new Request(HttpUtil.isKeepAlive(request), request.method() == HttpMethod.HEAD,
					request.protocolVersion().equals(HttpVersion.HTTP_1_0)));
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse response && !interim(response)) {
			Request request = this.requests.poll();
			boolean persistent = request != null && request.keepAlive() && HttpUtil.isKeepAlive(response)
					&& (request.head() || bodyless(response) || HttpUtil.isContentLengthSet(response)
							|| HttpUtil.isTransferEncodingChunked(response));
			if (!persistent) {
				this.closeAfterAnswer = true;
				HttpUtil.setKeepAlive(response, false);
			}
			else if (request.http10()) {
				response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
			}
		}
		if (msg instanceof LastHttpContent && this.closeAfterAnswer) {
			promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
		}
		ctx.write(msg, promise);
	}

	private static boolean interim(HttpResponse response) {
		int code = response.status().code();
		return code >= 100 && code < 200 && code != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
	}

	private static boolean bodyless(HttpResponse response) {
		int code = response.status().code();
		return code == HttpResponseStatus.NO_CONTENT.code() || code == HttpResponseStatus.NOT_MODIFIED.code()
				|| code == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
	}

	/**
	 * What an answer needs to know of its request.
	 *
	 * @param keepAlive whether the client keeps the connection
	 * @param head whether it is a {@code HEAD} (the answer has no body)
	 * @param http10 whether the client speaks HTTP/1.0
	 */
	private record Request(boolean keepAlive, boolean head, boolean http10) {
	}

}
