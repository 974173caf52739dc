package io.daeploy.manager.auth;

import java.net.URI;

import io.daeploy.manager.proxy.ProxyConnector;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Keeps the dashboard's pages on the dashboard's origin: a browser that asks the
 * services' port for the dashboard, one of its routes ({@link DashboardPages}), GraphiQL
 * or their assets is sent to the dashboard's port, so the dashboard never runs on the
 * origin where services' pages run. API requests (GraphQL with a token, uploads, the
 * SDK's notifications) are answered on either port.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class DashboardOriginFilter implements WebFilter {

	private final ObjectProvider<ProxyConnector> proxy;

	DashboardOriginFilter(ObjectProvider<ProxyConnector> proxy) {
		this.proxy = proxy;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		var request = exchange.getRequest();
		if (!"services".equals(request.getHeaders().getFirst(BrowserSession.ENTRY))
				|| !DashboardPages.isPage(request)) {
			return chain.filter(exchange);
		}
		String host = BrowserSession.hostName(request.getHeaders());
		String target = BrowserSession.scheme(request.getHeaders()) + "://"
				+ ((host.contains(":") && !host.startsWith("[")) ? "[" + host + "]" : host) + ":"
				+ this.proxy.getObject().dashboardPort() + request.getURI().getRawPath()
				+ ((request.getURI().getRawQuery() != null) ? "?" + request.getURI().getRawQuery() : "");
		exchange.getResponse().setStatusCode(HttpStatus.SEE_OTHER);
		exchange.getResponse().getHeaders().setLocation(URI.create(target));
		return exchange.getResponse().setComplete();
	}

}
