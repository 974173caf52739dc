package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

import io.daeploy.manager.proxy.ForwardAuth;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Route;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Target;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * One client connection of the embedded proxy: routes each request, asks forward auth,
 * relays the request to a pooled backend connection of the same event loop and, through
 * {@link BackendHandler}, the answer back. Requests on one connection are answered in
 * order; pipelined ones wait their turn.
 */
final class Frontend extends ChannelInboundHandlerAdapter {

	static final String CODEC = "http-codec";

	static final String KEEP_ALIVE = "http-keep-alive";

	private static final String SERVICES = "/services/";

	/**
	 * Request headers that describe one connection, not the message (RFC 9110 §7.6.1).
	 */
	private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
			HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
			HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, "proxy-connection");

	/** Headers only the proxy may set: a client's are dropped, never trusted. */
	private static final List<CharSequence> PROXY_SET = List.of("x-forwarded-for", "x-forwarded-host",
			"x-forwarded-proto", "x-forwarded-prefix", "x-forwarded-port", "x-forwarded-server", "x-forwarded-uri",
			"x-forwarded-method", "x-real-ip", "x-daeploy-user", "x-daeploy-entry");

	static final Pools POOLS = new Pools();

	private final EmbeddedProxy proxy;

	private final EmbeddedProxy.Entry entry;

	private final ArrayDeque<Object> queued = new ArrayDeque<>();

	private ChannelHandlerContext ctx;

	private Exchange exchange;

	private Channel tunnel;

	private String clientAddress;

	Frontend(EmbeddedProxy proxy, EmbeddedProxy.Entry entry) {
		this.proxy = proxy;
		this.entry = entry;
	}

	EventLoop loop() {
		return this.ctx.channel().eventLoop();
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
		this.clientAddress = (remote.getAddress() != null) ? remote.getAddress().getHostAddress()
				: remote.getHostString();
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.tunnel != null) {
			this.tunnel.write(msg);
			return;
		}
		if (this.exchange != null && this.exchange.requestComplete) {
			// pipelined: waits until the current answer is complete
			this.queued.add(msg);
			return;
		}
		dispatch(msg);
	}

	private void dispatch(Object msg) {
		if (msg instanceof HttpRequest request) {
			begin(request);
		}
		if (msg instanceof HttpContent content) {
			content(content);
		}
		else if (!(msg instanceof HttpRequest)) {
			ReferenceCountUtil.release(msg);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.tunnel != null) {
			this.tunnel.flush();
		}
		else if (this.exchange != null && this.exchange.backend != null) {
			this.exchange.backend.flush();
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		Channel peer = (this.tunnel != null) ? this.tunnel : (this.exchange != null) ? this.exchange.backend : null;
		if (peer != null) {
			peer.config().setAutoRead(ctx.channel().isWritable());
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.tunnel != null) {
			this.tunnel.close();
		}
		Exchange current = this.exchange;
		this.exchange = null;
		if (current != null) {
			current.abandon();
		}
		for (Object msg : this.queued) {
			ReferenceCountUtil.release(msg);
		}
		this.queued.clear();
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

	private void begin(HttpRequest request) {
		if (request.decoderResult().isFailure() || !request.uri().startsWith("/")) {
			this.exchange = new Exchange(this, request, null, null);
			this.exchange.requestComplete = true;
			respond(this.exchange, HttpResponseStatus.BAD_REQUEST, "Bad request\n", true);
			return;
		}
		String uri = request.uri();
		Route route = null;
		Target target = this.proxy.manager();
		String path = uri;
		if (this.entry == EmbeddedProxy.Entry.SERVICES && uri.startsWith(SERVICES)) {
			int end = SERVICES.length();
			while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
				end++;
			}
			route = this.proxy.route(uri.substring(SERVICES.length(), end));
			if (route == null) {
				this.exchange = new Exchange(this, request, null, null);
				respond(this.exchange, HttpResponseStatus.NOT_FOUND,
						"No service is routed at " + uri.substring(0, end) + "\n", false);
				return;
			}
			target = route.main();
			String rest = uri.substring(end);
			path = rest.isEmpty() ? "/" : (rest.charAt(0) == '?') ? "/" + rest : rest;
		}
		String cookie = (route != null && this.proxy.auth() != null) ? cookie(request.headers()) : null;
		String bearer = (route != null && this.proxy.auth() != null) ? bearer(request.headers()) : null;
		rewrite(request, route, path);
		Exchange started = new Exchange(this, request, route, target);
		this.exchange = started;
		started.prepareMirror(this.proxy.settings().mirrorMaxBody(), this.ctx.alloc());
		if (route == null || this.proxy.auth() == null) {
			started.authorized = true;
			connect(started, false);
			return;
		}
		EventLoop loop = this.ctx.channel().eventLoop();
		String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
		this.proxy.auth()
			.check(cookie, bearer, "http://" + host + uri,
					"http://" + hostName(host) + ":" + this.proxy.dashboardPort())
			.subscribe((decision) -> onLoop(loop, () -> decided(started, decision)),
					(ex) -> onLoop(loop, () -> decided(started, new ForwardAuth.Decision(401, null, null))));
	}

	private static void onLoop(EventLoop loop, Runnable task) {
		if (loop.inEventLoop()) {
			task.run();
		}
		else {
			loop.execute(task);
		}
	}

	private void decided(Exchange started, ForwardAuth.Decision decision) {
		if (started != this.exchange || started.responseComplete) {
			return;
		}
		if (decision.allowed()) {
			if (decision.user() != null) {
				started.request.headers().set("X-Daeploy-User", decision.user());
			}
			started.authorized = true;
			started.mirrorIfReady(this.proxy);
			connect(started, false);
			return;
		}
		if (decision.status() == HttpResponseStatus.SEE_OTHER.code()) {
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
			response.headers()
				.set(HttpHeaderNames.LOCATION, decision.location())
				.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
			answer(started, response, false);
			return;
		}
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
				Unpooled.copiedBuffer("{\"detail\":\"Token not valid!\"}", StandardCharsets.UTF_8));
		response.headers()
			.set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
		answer(started, response, false);
	}

	private void content(HttpContent content) {
		Exchange current = this.exchange;
		if (current == null) {
			content.release();
			return;
		}
		boolean last = content instanceof LastHttpContent;
		current.mirrorAppend(content.content());
		if (last) {
			current.requestComplete = true;
			current.mirrorIfReady(this.proxy);
		}
		if (current.discard) {
			content.release();
		}
		else if (current.backend != null) {
			current.backend.write(content);
		}
		else {
			current.pending.add(content);
		}
		if (last) {
			finishIfDone(current);
		}
	}

	/**
	 * Sends an exchange's request to its backend, on a pooled connection when one is
	 * idle.
	 * @param fresh whether to skip the pool (a retry after a pooled connection failed)
	 */
	private void connect(Exchange started, boolean fresh) {
		Channel pooled = fresh ? null : POOLS.acquire(started.target.address());
		if (pooled != null) {
			attach(started, pooled, true);
			return;
		}
		EventLoop loop = this.ctx.channel().eventLoop();
		this.proxy.backends().clone(loop).handler(new ChannelInitializer<Channel>() {

			@Override
			protected void initChannel(Channel channel) {
				channel.pipeline()
					.addLast(BackendHandler.CODEC, new HttpClientCodec(4096, 16384, 65536))
					.addLast(new BackendHandler(started.target.address()));
			}

		}).connect(started.target.address()).addListener((ChannelFutureListener) (future) -> {
			if (future.isSuccess()) {
				attach(started, future.channel(), false);
			}
			else {
				failed(started);
			}
		});
	}

	private void attach(Exchange started, Channel backend, boolean reused) {
		if (started != this.exchange || started.responseComplete || !this.ctx.channel().isActive()) {
			POOLS.release(started.target.address(), backend);
			return;
		}
		started.backend = backend;
		started.reused = reused;
		started.start = System.nanoTime();
		backend.pipeline().get(BackendHandler.class).attach(started, this.ctx.channel());
		backend.config().setAutoRead(this.ctx.channel().isWritable());
		backend.write(started.request);
		while (!started.pending.isEmpty()) {
			backend.write(started.pending.poll());
		}
		backend.flush();
	}

	/**
	 * The backend connection closed or could not be made before the answer was complete.
	 */
	void failed(Exchange failed) {
		if (failed != this.exchange) {
			return;
		}
		failed.backend = null;
		if (!failed.responseStarted) {
			if (failed.reused && !failed.retried && failed.requestComplete && !failed.hasBody
					&& idempotent(failed.request.method())) {
				// a pooled connection the backend had closed while idle: once more on a
				// new
				// one
				failed.retried = true;
				failed.pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
				connect(failed, true);
				return;
			}
			failed.status = HttpResponseStatus.BAD_GATEWAY.code();
			failed.record(this.proxy);
			respond(failed, HttpResponseStatus.BAD_GATEWAY, "The service did not answer\n", false);
			return;
		}
		failed.record(this.proxy);
		this.ctx.close();
	}

	/**
	 * The backend's answer is complete.
	 */
	void answered(Exchange done) {
		done.responseComplete = true;
		done.record(this.proxy);
		if (!done.requestComplete) {
			// answered before the request ended: the rest of the request is dropped
			done.discard = true;
		}
		finishIfDone(done);
	}

	/**
	 * The backend switched protocols: from now on both connections are relayed as bytes.
	 */
	void tunnel(Exchange upgraded, Channel backend) {
		this.exchange = null;
		this.tunnel = backend;
		upgraded.record(this.proxy);
		this.ctx.pipeline().remove(KEEP_ALIVE);
		this.ctx.pipeline().remove(CODEC);
	}

	private void finishIfDone(Exchange current) {
		if (current != this.exchange || !current.requestComplete || !current.responseComplete) {
			return;
		}
		this.exchange = null;
		current.release();
		while (this.exchange == null && !this.queued.isEmpty()) {
			dispatch(this.queued.poll());
		}
		if (this.exchange != null && this.exchange.backend != null) {
			this.exchange.backend.flush();
		}
	}

	private void respond(Exchange current, HttpResponseStatus status, String text, boolean close) {
		ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
		answer(current, response, close);
	}

	private void answer(Exchange current, FullHttpResponse response, boolean close) {
		current.discard = true;
		current.responseComplete = true;
		current.releasePending();
		if (close) {
			response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
			this.ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
		}
		else {
			this.ctx.writeAndFlush(response);
		}
		finishIfDone(current);
	}

	private void rewrite(HttpRequest request, Route route, String path) {
		HttpHeaders headers = request.headers();
		boolean upgrade = headers.contains(HttpHeaderNames.UPGRADE);
		String protocol = upgrade ? headers.get(HttpHeaderNames.UPGRADE) : null;
		for (CharSequence name : HOP_BY_HOP) {
			headers.remove(name);
		}
		for (CharSequence name : PROXY_SET) {
			headers.remove(name);
		}
		if (upgrade) {
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE).set(HttpHeaderNames.UPGRADE, protocol);
		}
		headers.set("X-Forwarded-For", this.clientAddress)
			.set("X-Real-Ip", this.clientAddress)
			.set("X-Forwarded-Proto", "http");
		String host = headers.get(HttpHeaderNames.HOST);
		if (host != null) {
			headers.set("X-Forwarded-Host", host);
		}
		if (route != null) {
			headers.set("X-Forwarded-Prefix", route.prefix());
		}
		else {
			headers.set("X-Daeploy-Entry", this.entry.header());
		}
		request.setUri(path);
	}

	/**
	 * A Host header's name without its port.
	 */
	static String hostName(String host) {
		if (host.startsWith("[")) {
			int end = host.indexOf(']');
			return (end > 0) ? host.substring(0, end + 1) : host;
		}
		int colon = host.indexOf(':');
		return (colon >= 0) ? host.substring(0, colon) : host;
	}

	private static String cookie(HttpHeaders headers) {
		String header = headers.get(HttpHeaderNames.COOKIE);
		if (header == null) {
			return null;
		}
		for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
			if (cookie.name().equals("daeploy")) {
				return cookie.value();
			}
		}
		return null;
	}

	private static String bearer(HttpHeaders headers) {
		return ForwardAuth.bearerToken(headers.get(HttpHeaderNames.AUTHORIZATION));
	}

	/**
	 * The methods a failed pooled connection may be retried with.
	 */
	static boolean idempotent(HttpMethod method) {
		return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
	}

	/**
	 * Whether a request declares a body.
	 */
	static boolean hasBody(HttpRequest request) {
		long length = HttpUtil.getContentLength(request, -1L);
		return length > 0 || (length < 0 && HttpUtil.isTransferEncodingChunked(request));
	}

}
