package io.daeploy.manager.proxy.embedded;

import java.util.ArrayDeque;

import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Route;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Target;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * One request on its way through the proxy and the state of its answer. Touched only by
 * the event loop of its client connection.
 */
final class Exchange {

	final Frontend frontend;

	final HttpRequest request;

	final Route route;

	final Target target;

	final boolean hasBody;

	/** Request contents that arrived before the backend connection was ready. */
	final ArrayDeque<HttpContent> pending = new ArrayDeque<>(2);

	/** The body bytes in {@link #pending}. */
	int pendingBytes;

	Channel backend;

	boolean reused;

	boolean retried;

	boolean authorized;

	boolean requestComplete;

	boolean responseStarted;

	boolean responseComplete;

	/** The request is answered by the proxy itself (or abandoned): drop its contents. */
	boolean discard;

	int status = 502;

	long start = System.nanoTime();

	private boolean recorded;

	/**
	 * The body collected for the shadows once the request is authorized, grown as it
	 * arrives; {@code null} before and when not mirrored.
	 */
	private ByteBuf mirrorBody;

	private ByteBufAllocator allocator;

	private boolean mirroring;

	private long mirrorMaxBody;

	Exchange(Frontend frontend, HttpRequest request, Route route, Target target) {
		this.frontend = frontend;
		this.request = request;
		this.route = route;
		this.target = target;
		this.hasBody = Frontend.hasBody(request);
	}

	/**
	 * Decides whether this request is to be mirrored: it is when its route has shadows
	 * and its body has a declared length within the cap (or there is none), as Traefik's
	 * {@code maxBodySize}. Nothing is reserved: the copy is collected from
	 * {@link #authorize} on, as the body arrives.
	 */
	void prepareMirror(long maxBody) {
		if (this.route == null || this.route.shadows().isEmpty()) {
			return;
		}
		long length = HttpUtil.getContentLength(this.request, -1L);
		if (this.hasBody && (length < 0 || length > maxBody)) {
			return;
		}
		this.mirroring = true;
		this.mirrorMaxBody = maxBody;
	}

	/**
	 * The request may go on: from now on its body is collected for the shadows, starting
	 * with what arrived while forward auth decided.
	 */
	void authorize(ByteBufAllocator allocator) {
		this.authorized = true;
		this.allocator = allocator;
		if (this.mirroring) {
			for (HttpContent content : this.pending) {
				mirrorAppend(content.content());
			}
		}
	}

	void mirrorAppend(ByteBuf content) {
		if (!this.mirroring || !this.hasBody || !content.isReadable()) {
			return;
		}
		int held = (this.mirrorBody != null) ? this.mirrorBody.readableBytes() : 0;
		if (held + (long) content.readableBytes() > this.mirrorMaxBody) {
			this.mirroring = false;
			releaseMirror();
			return;
		}
		if (this.mirrorBody == null) {
			this.mirrorBody = this.allocator.buffer(content.readableBytes(),
					(int) Math.min(this.mirrorMaxBody, Integer.MAX_VALUE));
		}
		this.mirrorBody.writeBytes(content, content.readerIndex(), content.readableBytes());
	}

	/**
	 * Sends the copies once the request is both authorized and complete.
	 */
	void mirrorIfReady(EmbeddedProxy proxy) {
		if (!this.mirroring || !this.authorized || !this.requestComplete) {
			return;
		}
		this.mirroring = false;
		// one copy for all shadows: they differ in nothing, and encoding changes no
		// header
		HttpHeaders headers = new DefaultHttpHeaders().set(this.request.headers())
			.remove(HttpHeaderNames.TRANSFER_ENCODING)
			.remove(HttpHeaderNames.EXPECT)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, (this.mirrorBody != null) ? this.mirrorBody.readableBytes() : 0);
		for (Target shadow : this.route.shadows()) {
			Mirror.send(proxy, this.frontend.loop(), shadow, this.request.method(), this.request.uri(), headers,
					this.mirrorBody);
		}
		releaseMirror();
	}

	/**
	 * Records the main request's figures once.
	 */
	void record(EmbeddedProxy proxy) {
		if (this.recorded || this.target == null || this.target.key() == null) {
			return;
		}
		this.recorded = true;
		proxy.stats().record(this.target.key(), false, this.status, System.nanoTime() - this.start);
	}

	void releasePending() {
		while (!this.pending.isEmpty()) {
			this.pending.poll().release();
		}
		this.pendingBytes = 0;
	}

	/**
	 * Frees what the exchange still holds once it is complete.
	 */
	void release() {
		releasePending();
		releaseMirror();
	}

	private void releaseMirror() {
		if (this.mirrorBody != null) {
			this.mirrorBody.release();
			this.mirrorBody = null;
		}
	}

	/**
	 * The client went away: the backend connection cannot be reused.
	 */
	void abandon() {
		this.discard = true;
		release();
		if (this.backend != null && !this.responseComplete) {
			this.backend.close();
		}
	}

}
