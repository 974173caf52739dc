package io.daeploy.manager.proxy.embedded;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.daeploy.manager.proxy.ForwardAuth;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Limits;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Route;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Target;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One client connection of the embedded proxy: routes each request, asks forward auth,
 * relays the request to a pooled backend connection of the same event loop and, through
 * {@link BackendHandler}, the answer back. Requests on one connection are answered in
 * order; pipelined ones wait their turn with reading stopped, and a connection that
 * queues more than {@link Limits#maxPipelined()} is closed.
 * <p>
 * A connection is always in one {@link Phase}, and each phase but waiting for an answer
 * has a deadline ({@link Limits}): idle between requests, reading a request's headers
 * (counted from their first byte), reading its body (counted from the last read, and
 * stopped while the proxy itself does not read). A client that leaves its answer unread
 * for the send timeout is closed as well. One timer per connection serves all of them: it
 * is moved only when a deadline comes earlier than the time it is set for.
 */
final class Frontend extends ChannelInboundHandlerAdapter {

	static final String WATCH = "read-watch";

	static final String CODEC = "http-codec";

	static final String KEEP_ALIVE = "http-keep-alive";

	private static final String SERVICES = "/services/";

	private static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";

	/**
	 * Request body bytes held while the backend connection is not ready yet; reading
	 * pauses beyond.
	 */
	static final int PENDING_MAX = 64 * 1024;

	/**
	 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), besides
	 * those the {@code Connection} header names.
	 */
	static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
			HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
			HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, "proxy-connection");

	/**
	 * Headers a {@code Connection} header may not remove: they frame the message (the
	 * codecs re-frame it) or route it.
	 */
	private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding");

	/** Headers only the proxy may set: a client's are dropped, never trusted. */
	private static final List<CharSequence> PROXY_SET = List.of("x-forwarded-for", "x-forwarded-host",
			"x-forwarded-proto", "x-forwarded-prefix", "x-forwarded-port", "x-forwarded-server", "x-forwarded-uri",
			"x-forwarded-method", "x-real-ip", "x-daeploy-user", "x-daeploy-entry");

	static final Pools POOLS = new Pools();

	private final EmbeddedProxy proxy;

	private final EmbeddedProxy.Entry entry;

	/** Whether this connection speaks TLS. */
	private final boolean secure;

	private final Limits limits;

	/** Messages of pipelined requests, waiting for the current exchange to finish. */
	private final ArrayDeque<Object> queued = new ArrayDeque<>();

	private int queuedRequests;

	private ChannelHandlerContext ctx;

	private ChannelHandlerContext watch;

	private Exchange exchange;

	private Channel tunnel;

	private String clientAddress;

	private Phase phase = Phase.IDLE;

	/**
	 * When the current phase ends the connection ({@link System#nanoTime()}), 0: never.
	 */
	private long phaseDeadline;

	/** When an unread answer ends the connection, 0: the client reads. */
	private long sendDeadline;

	private ScheduledFuture<?> timer;

	private long timerAt;

	private boolean closing;

	private boolean draining;

	Frontend(EmbeddedProxy proxy, EmbeddedProxy.Entry entry, boolean secure) {
		this.proxy = proxy;
		this.entry = entry;
		this.secure = secure;
		this.limits = proxy.limits();
	}

	EventLoop loop() {
		return this.ctx.channel().eventLoop();
	}

	/**
	 * The handler in front of the HTTP codec: it sees the raw bytes, so the header
	 * deadline starts with a request's first byte and the body deadline moves with every
	 * read, and the proxy's own last words (a 408) bypass the codec.
	 * @return a handler for this connection's pipeline only
	 */
	ChannelInboundHandlerAdapter readWatch() {
		return new ChannelInboundHandlerAdapter() {

			@Override
			public void handlerAdded(ChannelHandlerContext ctx) {
				Frontend.this.watch = ctx;
			}

			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				bytesRead();
				ctx.fireChannelRead(msg);
			}

		};
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
		this.clientAddress = (remote.getAddress() != null) ? remote.getAddress().getHostAddress()
				: remote.getHostString();
		idle();
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.closing) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (this.tunnel != null) {
			this.tunnel.write(msg);
			return;
		}
		if (!this.queued.isEmpty() || (this.exchange != null && this.exchange.requestComplete)) {
			// pipelined: waits until the current answer is complete, with reading stopped
			if (msg instanceof HttpRequest && ++this.queuedRequests > this.limits.maxPipelined()) {
				ReferenceCountUtil.release(msg);
				close();
				return;
			}
			this.queued.add(msg);
			updateRead();
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
		boolean writable = ctx.channel().isWritable();
		Channel peer = (this.tunnel != null) ? this.tunnel : (this.exchange != null) ? this.exchange.backend : null;
		if (peer != null) {
			peer.config().setAutoRead(writable);
		}
		this.sendDeadline = writable ? 0 : after(this.limits.sendTimeout());
		schedule();
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.closing = true;
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
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
		close();
	}

	private void begin(HttpRequest request) {
		this.phase = Phase.BODY;
		this.phaseDeadline = after(this.limits.bodyTimeout());
		schedule();
		if (request.decoderResult().isFailure() || !request.uri().startsWith("/") || !wellFramed(request)) {
			this.exchange = new Exchange(this, request, null, null);
			this.exchange.requestComplete = true;
			refuse(this.exchange, request.decoderResult().cause());
			return;
		}
		if (!HttpVersion.HTTP_1_1.equals(request.protocolVersion())
				&& !HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
			this.exchange = new Exchange(this, request, null, null);
			this.exchange.requestComplete = true;
			respond(this.exchange, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP/1.1 only\n", true);
			return;
		}
		String uri = request.uri();
		if (!this.secure && this.proxy.settings().tls() != null) {
			plainHttp(request, uri);
			return;
		}
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
				// a body sent to no service is not read for nothing
				respond(this.exchange, HttpResponseStatus.NOT_FOUND,
						"No service is routed at " + uri.substring(0, end) + "\n", this.exchange.hasBody);
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
		started.prepareMirror(this.proxy.settings().mirrorMaxBody());
		if (route == null || this.proxy.auth() == null) {
			started.authorize(this.ctx.alloc());
			connect(started, false);
			return;
		}
		EventLoop loop = this.ctx.channel().eventLoop();
		String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
		this.proxy.auth()
			.check(cookie, bearer, scheme() + "://" + host + uri,
					scheme() + "://" + hostName(host) + ":" + this.proxy.dashboardPort())
			.subscribe((decision) -> onLoop(loop, () -> decided(started, decision)),
					(ex) -> onLoop(loop, () -> decided(started, new ForwardAuth.Decision(401, null, null))));
	}

	private String scheme() {
		return this.secure ? "https" : "http";
	}

	/**
	 * With HTTPS on, the HTTP port answers the ACME server's HTTP-01 challenges and sends
	 * everything else to the same URL over HTTPS ({@code 308}, so a POST stays a POST, as
	 * Traefik's redirection entry point does). A body is not read: the connection closes
	 * after the answer.
	 */
	private void plainHttp(HttpRequest request, String uri) {
		this.exchange = new Exchange(this, request, null, null);
		boolean close = this.exchange.hasBody;
		if (uri.startsWith(ACME_CHALLENGE)) {
			String token = uri.substring(ACME_CHALLENGE.length());
			String answer = (token.isEmpty() || token.indexOf('/') >= 0 || token.indexOf('?') >= 0) ? null
					: this.proxy.settings().tls().challenge(token);
			if (answer == null) {
				respond(this.exchange, HttpResponseStatus.NOT_FOUND, "No such challenge\n", close);
			}
			else {
				ByteBuf body = Unpooled.copiedBuffer(answer, StandardCharsets.US_ASCII);
				FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
						body);
				response.headers()
					.set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
					.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
				answer(this.exchange, response, close);
			}
			return;
		}
		String host = hostName(request.headers().get(HttpHeaderNames.HOST, "localhost"));
		int port = this.proxy.httpsPort();
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.PERMANENT_REDIRECT);
		response.headers()
			.set(HttpHeaderNames.LOCATION, "https://" + host + ((port != 443) ? ":" + port : "") + uri)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
		answer(this.exchange, response, close);
	}

	/**
	 * Answers a request the proxy cannot forward, and closes: what follows it on the
	 * connection cannot be trusted to be framed as its sender meant.
	 */
	private void refuse(Exchange refused, Throwable cause) {
		if (cause instanceof TooLongHttpHeaderException) {
			respond(refused, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large\n", true);
		}
		else if (cause instanceof TooLongHttpLineException) {
			respond(refused, HttpResponseStatus.REQUEST_URI_TOO_LONG, "Request line too long\n", true);
		}
		else if (cause instanceof TooLongFrameException) {
			respond(refused, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request too large\n", true);
		}
		else {
			respond(refused, HttpResponseStatus.BAD_REQUEST, "Bad request\n", true);
		}
	}

	/**
	 * Whether a request's body is framed one way only: {@code Transfer-Encoding} exactly
	 * {@code chunked} without a {@code Content-Length}, or one {@code Content-Length} of
	 * digits only, or neither. Anything else is how requests are smuggled past a proxy.
	 */
	static boolean wellFramed(HttpRequest request) {
		return wellFramed(request.headers());
	}

	static boolean wellFramed(HttpHeaders headers) {
		boolean length = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
		if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
			List<String> encodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
			return !length && encodings.size() == 1 && encodings.get(0).strip().equalsIgnoreCase("chunked");
		}
		if (!length) {
			return true;
		}
		List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
		return lengths.size() == 1 && digits(lengths.get(0).strip());
	}

	static boolean digits(String value) {
		if (value.isEmpty() || value.length() > 18) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			if (value.charAt(i) < '0' || value.charAt(i) > '9') {
				return false;
			}
		}
		return true;
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
			if (decision.managerBearer()) {
				// the caller's manager token is no business of the service's
				started.request.headers().remove(HttpHeaderNames.AUTHORIZATION);
			}
			started.authorize(this.ctx.alloc());
			started.mirrorIfReady(this.proxy);
			connect(started, false);
			return;
		}
		// a refused request's body is not read: the connection closes after the answer
		boolean close = started.hasBody && !started.requestComplete;
		if (decision.status() == HttpResponseStatus.SEE_OTHER.code()) {
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
			response.headers()
				.set(HttpHeaderNames.LOCATION, decision.location())
				.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
			answer(started, response, close);
			return;
		}
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
				Unpooled.copiedBuffer("{\"detail\":\"Token not valid!\"}", StandardCharsets.UTF_8));
		response.headers()
			.set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
		answer(started, response, close);
	}

	private void content(HttpContent content) {
		Exchange current = this.exchange;
		if (current == null) {
			content.release();
			return;
		}
		if (content.decoderResult().isFailure()) {
			// a malformed chunk: never pass it on as the end of the body
			content.release();
			if (current.responseStarted) {
				close();
			}
			else {
				current.abandon();
				respond(current, HttpResponseStatus.BAD_REQUEST, "Bad request body\n", true);
			}
			return;
		}
		boolean last = content instanceof LastHttpContent;
		if (current.authorized) {
			current.mirrorAppend(content.content());
		}
		if (last) {
			current.requestComplete = true;
			this.phase = Phase.WAITING;
			this.phaseDeadline = 0;
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
			current.pendingBytes += content.content().readableBytes();
		}
		if (last) {
			finishIfDone(current);
		}
		updateRead();
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
					.addLast(BackendHandler.CODEC, new HttpClientCodec(responseDecoding(), false, false))
					.addLast(new BackendHandler(started.target.address()));
			}

		}).connect(started.target.address()).addListener((ChannelFutureListener) (future) -> {
			if (future.isSuccess()) {
				attach(started, future.channel(), false);
			}
			else {
				failed(started, false);
			}
		});
	}

	/**
	 * How backend answers are read: any {@code Transfer-Encoding} besides {@code chunked}
	 * or beside a {@code Content-Length} makes an answer malformed.
	 */
	static HttpDecoderConfig responseDecoding() {
		return new HttpDecoderConfig().setMaxInitialLineLength(4096)
			.setMaxHeaderSize(16384)
			.setMaxChunkSize(65536)
			.setUseRfc9112TransferEncoding(true);
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
		started.pendingBytes = 0;
		backend.flush();
		updateRead();
	}

	/**
	 * The backend connection closed, could not be made, or answered what is not HTTP
	 * before the answer was complete.
	 * @param retryable whether a pooled connection may be replaced by a new one
	 */
	void failed(Exchange failed, boolean retryable) {
		if (failed != this.exchange) {
			return;
		}
		failed.backend = null;
		if (!failed.responseStarted) {
			if (retryable && failed.reused && !failed.retried && failed.requestComplete && !failed.hasBody
					&& idempotent(failed.request.method())) {
				// a pooled connection the backend had closed while idle: once more on a
				// new one
				failed.retried = true;
				failed.pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
				connect(failed, true);
				return;
			}
			failed.status = HttpResponseStatus.BAD_GATEWAY.code();
			failed.record(this.proxy);
			respond(failed, HttpResponseStatus.BAD_GATEWAY, "The service did not answer\n",
					failed.hasBody && !failed.requestComplete);
			return;
		}
		// part of the answer is on its way: the client must see it cut, never complete
		failed.record(this.proxy);
		closeAfterWrites();
	}

	/**
	 * The backend's answer is complete.
	 */
	void answered(Exchange done) {
		done.responseComplete = true;
		done.record(this.proxy);
		if (!done.requestComplete) {
			// answered before the request ended: the rest of its body is not read
			done.discard = true;
			if (done.hasBody) {
				closeAfterWrites();
				return;
			}
		}
		finishIfDone(done);
	}

	/**
	 * The backend switched protocols: from now on both connections are relayed as bytes.
	 */
	void tunnel(Exchange upgraded, Channel backend) {
		this.exchange = null;
		this.tunnel = backend;
		this.phase = Phase.TUNNEL;
		this.phaseDeadline = 0;
		upgraded.record(this.proxy);
		this.ctx.channel().config().setAutoRead(true);
		this.ctx.pipeline().remove(KEEP_ALIVE);
		this.ctx.pipeline().remove(CODEC);
	}

	private void finishIfDone(Exchange current) {
		if (current != this.exchange || !current.requestComplete || !current.responseComplete) {
			return;
		}
		this.exchange = null;
		current.release();
		if (this.draining) {
			return;
		}
		this.draining = true;
		try {
			while (!this.queued.isEmpty() && !this.closing
					&& (this.exchange == null || !this.exchange.requestComplete)) {
				Object msg = this.queued.poll();
				if (msg instanceof HttpRequest) {
					this.queuedRequests--;
				}
				dispatch(msg);
			}
		}
		finally {
			this.draining = false;
		}
		if (this.exchange == null && !this.closing) {
			idle();
		}
		else if (this.exchange != null && this.exchange.backend != null) {
			this.exchange.backend.flush();
		}
		updateRead();
	}

	/**
	 * Reads from the client only when what it sends can go somewhere: not while pipelined
	 * requests wait, nor while the backend does not take the body, nor, before the
	 * backend connection is ready, beyond {@link #PENDING_MAX} of body.
	 */
	void updateRead() {
		if (this.closing || this.tunnel != null) {
			return;
		}
		Exchange current = this.exchange;
		boolean read;
		if (!this.queued.isEmpty()) {
			read = false;
		}
		else if (current == null || current.requestComplete || current.discard) {
			// waiting for an answer reads on, so that a pipelined request is noticed
			read = true;
		}
		else if (current.backend != null) {
			read = current.backend.isWritable();
		}
		else {
			read = current.pendingBytes < PENDING_MAX;
		}
		ChannelConfig config = this.ctx.channel().config();
		if (config.isAutoRead() != read) {
			config.setAutoRead(read);
			if (this.phase == Phase.BODY) {
				// a body deadline runs only while the proxy reads
				this.phaseDeadline = read ? after(this.limits.bodyTimeout()) : 0;
				schedule();
			}
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
			this.closing = true;
			this.ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
			if (this.exchange == current) {
				this.exchange = null;
			}
			current.release();
			return;
		}
		this.ctx.writeAndFlush(response);
		finishIfDone(current);
	}

	private void rewrite(HttpRequest request, Route route, String path) {
		HttpHeaders headers = request.headers();
		String protocol = headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
				? headers.get(HttpHeaderNames.UPGRADE) : null;
		dropHopByHop(headers);
		for (CharSequence name : PROXY_SET) {
			headers.remove(name);
		}
		if (protocol != null) {
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE).set(HttpHeaderNames.UPGRADE, protocol);
		}
		headers.set("X-Forwarded-For", this.clientAddress)
			.set("X-Real-Ip", this.clientAddress)
			.set("X-Forwarded-Proto", scheme());
		String host = headers.get(HttpHeaderNames.HOST);
		if (host != null) {
			headers.set("X-Forwarded-Host", host);
		}
		if (route != null) {
			headers.set("X-Forwarded-Prefix", route.prefix());
			withoutSessionCookie(headers);
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

	/**
	 * Drops the headers that describe one connection: the hop-by-hop ones and every one
	 * the {@code Connection} header names, except those that frame or route the message.
	 */
	static void dropHopByHop(HttpHeaders headers) {
		if (headers.contains(HttpHeaderNames.CONNECTION)) {
			for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
				for (String token : connection.split(",")) {
					String name = token.strip().toLowerCase(Locale.ROOT);
					if (!name.isEmpty() && !FRAMING.contains(name)) {
						headers.remove(name);
					}
				}
			}
		}
		for (CharSequence name : HOP_BY_HOP) {
			headers.remove(name);
		}
	}

	/**
	 * Drops the manager's session cookie from what goes to a service; other cookies pass.
	 */
	private static void withoutSessionCookie(HttpHeaders headers) {
		if (!headers.contains(HttpHeaderNames.COOKIE)) {
			return;
		}
		List<String> cookies = headers.getAll(HttpHeaderNames.COOKIE);
		String kept = ForwardAuth.withoutSessionCookie(String.join("; ", cookies));
		if (kept == null) {
			headers.remove(HttpHeaderNames.COOKIE);
		}
		else {
			headers.set(HttpHeaderNames.COOKIE, kept);
		}
	}

	private static String cookie(HttpHeaders headers) {
		String header = headers.get(HttpHeaderNames.COOKIE);
		if (header == null) {
			return null;
		}
		for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
			if (cookie.name().equals(ForwardAuth.SESSION_COOKIE)) {
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
		long length;
		try {
			length = HttpUtil.getContentLength(request, -1L);
		}
		catch (NumberFormatException ex) {
			// not a length: such a request is refused, and its body not read
			return true;
		}
		return length > 0 || (length < 0 && HttpUtil.isTransferEncodingChunked(request));
	}

	// deadlines

	/**
	 * Bytes came from the client: a request's headers have begun, or its body moved.
	 */
	private void bytesRead() {
		if (this.phase == Phase.IDLE) {
			this.phase = Phase.HEAD;
			this.phaseDeadline = after(this.limits.headerTimeout());
			schedule();
		}
		else if (this.phase == Phase.BODY && this.phaseDeadline != 0) {
			// later than before: the timer, when it fires, moves on to it
			this.phaseDeadline = after(this.limits.bodyTimeout());
		}
	}

	private void idle() {
		this.phase = Phase.IDLE;
		this.phaseDeadline = after(this.limits.idleTimeout());
		schedule();
	}

	private static long after(Duration timeout) {
		long at = System.nanoTime() + timeout.toNanos();
		return (at != 0) ? at : 1;
	}

	/**
	 * Sets the timer for the earliest deadline, unless it is set for an earlier time.
	 */
	private void schedule() {
		long at = earliest(this.phaseDeadline, this.sendDeadline);
		if (at == 0 || this.closing || this.ctx == null) {
			return;
		}
		if (this.timer != null) {
			if (this.timerAt - at <= 0) {
				return;
			}
			this.timer.cancel(false);
		}
		this.timerAt = at;
		this.timer = this.ctx.executor()
			.schedule(this::tick, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	private static long earliest(long a, long b) {
		if (a == 0) {
			return b;
		}
		if (b == 0) {
			return a;
		}
		return (a - b < 0) ? a : b;
	}

	private void tick() {
		this.timer = null;
		if (this.closing || !this.ctx.channel().isActive()) {
			return;
		}
		long now = System.nanoTime();
		if (this.sendDeadline != 0 && now - this.sendDeadline >= 0) {
			close();
			return;
		}
		if (this.phaseDeadline != 0 && now - this.phaseDeadline >= 0) {
			expired();
			return;
		}
		schedule();
	}

	private void expired() {
		switch (this.phase) {
			case HEAD -> timedOut();
			case BODY -> {
				Exchange current = this.exchange;
				if (current != null && current.responseStarted) {
					closeAfterWrites();
				}
				else {
					if (current != null) {
						this.exchange = null;
						current.abandon();
					}
					timedOut();
				}
			}
			default -> close();
		}
	}

	/**
	 * The client was too slow with its request: 408, then close. Written in front of the
	 * codec, which may be in the middle of a request it will never finish.
	 */
	private void timedOut() {
		byte[] body = "Request timeout\n".getBytes(StandardCharsets.UTF_8);
		String head = "HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: "
				+ body.length + "\r\nconnection: close\r\n\r\n";
		ByteBuf answer = Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
		this.closing = true;
		this.watch.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
	}

	private void close() {
		this.closing = true;
		this.ctx.close();
	}

	/**
	 * Closes once everything written so far has gone out.
	 */
	private void closeAfterWrites() {
		this.closing = true;
		this.watch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
	}

	/**
	 * Where a connection is between and within requests.
	 */
	private enum Phase {

		/** Between requests: the idle timeout runs. */
		IDLE,

		/**
		 * A request's headers are arriving: the header timeout runs from the first byte.
		 */
		HEAD,

		/** A request's body is arriving: the body timeout runs from the last read. */
		BODY,

		/** The request is complete and its answer is on its way: no deadline. */
		WAITING,

		/** Relaying bytes after a protocol switch: no deadline. */
		TUNNEL

	}

}
