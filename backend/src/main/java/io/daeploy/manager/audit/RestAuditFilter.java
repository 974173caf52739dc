package io.daeploy.manager.audit;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Records the REST mutations in the {@link AuditLog} as GraphQL's are: sign-in and
 * sign-out, the original SDK's notification raise and clear, uploads. The action is the
 * method and path, the outcome {@code OK} or {@code HTTP <status>}. An endpoint can name
 * the actor (a sign-in names who signed in) and the arguments, without secrets, in the
 * exchange's attributes {@link #ACTOR} and {@link #ARGUMENTS}.
 */
@Component
public class RestAuditFilter implements WebFilter {

	/** Exchange attribute: who acted, when the endpoint knows better than the token. */
	public static final String ACTOR = RestAuditFilter.class.getName() + ".actor";

	/** Exchange attribute: the arguments to record, a map without secrets. */
	public static final String ARGUMENTS = RestAuditFilter.class.getName() + ".arguments";

	private static final List<String> AUDITED = List.of("/auth/login", "/auth/logout", "/notifications", "/uploads");

	private static final Log logger = LogFactory.getLog(RestAuditFilter.class);

	private final AuditLog log;

	private final JsonMapper json;

	private final Clock clock;

	RestAuditFilter(AuditLog log, JsonMapper json, Clock clock) {
		this.log = log;
		this.json = json;
		this.clock = clock;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		HttpMethod method = exchange.getRequest().getMethod();
		String path = exchange.getRequest().getPath().value();
		boolean mutation = method == HttpMethod.POST || method == HttpMethod.DELETE || method == HttpMethod.PUT;
		if (!mutation || AUDITED.stream().noneMatch((prefix) -> path.equals(prefix) || path.startsWith(prefix + "/"))) {
			return chain.filter(exchange);
		}
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.map(AuditInterceptor::actor)
			.defaultIfEmpty(AuditInterceptor.ANONYMOUS)
			.flatMap((caller) -> chain.filter(exchange).then(Mono.defer(() -> record(exchange, caller, method, path))));
	}

	private Mono<Void> record(ServerWebExchange exchange, String caller, HttpMethod method, String path) {
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		String outcome = (status == null || status.is2xxSuccessful() || status.is3xxRedirection()) ? "OK"
				: "HTTP " + status.value();
		String actor = (exchange.getAttribute(ACTOR) instanceof String named) ? named : caller;
		Object arguments = (exchange.getAttribute(ARGUMENTS) instanceof Map<?, ?> given)
				? AuditRedaction.redact(null, given) : Map.of();
		return this.log
			.record(this.clock.instant(), actor, method.name() + " " + path, this.json.writeValueAsString(arguments),
					outcome)
			.onErrorResume((ex) -> {
				logger.error("Could not write the audit log", ex);
				return Mono.empty();
			});
	}

}
