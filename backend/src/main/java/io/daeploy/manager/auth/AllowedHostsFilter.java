package io.daeploy.manager.auth;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import io.daeploy.manager.config.DaeployProperties;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * With auth off, the manager answers only the host names it is known by: a web page can
 * make a browser send requests to the manager (its address is guessable, and DNS
 * rebinding points a page's own host name at it), and without a token to check, the Host
 * header is what shows a request was meant for this manager. Known are
 * {@code DAEPLOY_HOST_NAME}, {@code DAEPLOY_ALLOWED_HOSTS}, the loopback names and
 * addresses, and the names services use ({@code host.docker.internal},
 * {@code daeploy-manager}). Anything else gets 421. With auth on, tokens decide.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class AllowedHostsFilter implements WebFilter {

	private final boolean enabled;

	private final Set<String> allowed;

	AllowedHostsFilter(DaeployProperties properties) {
		this.enabled = !properties.auth().enabled();
		Set<String> hosts = new HashSet<>(
				Set.of("localhost", "127.0.0.1", "[::1]", "::1", "host.docker.internal", "daeploy-manager"));
		hosts.add(properties.hostName().toLowerCase(Locale.ROOT));
		properties.allowedHosts().forEach((host) -> hosts.add(host.strip().toLowerCase(Locale.ROOT)));
		this.allowed = Set.copyOf(hosts);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.enabled) {
			return chain.filter(exchange);
		}
		String host = BrowserSession.hostName(exchange.getRequest().getHeaders()).toLowerCase(Locale.ROOT);
		if (this.allowed.contains(host) || exchange.getRequest().getHeaders().getFirst("Host") == null) {
			return chain.filter(exchange);
		}
		byte[] body = ("This manager does not answer to '" + host + "'. With auth off it answers only the host names"
				+ " it is known by; add this one to DAEPLOY_ALLOWED_HOSTS if it is yours.\n")
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponse().setStatusCode(HttpStatus.MISDIRECTED_REQUEST);
		exchange.getResponse().getHeaders().setContentType(MediaType.TEXT_PLAIN);
		return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(body)));
	}

}
