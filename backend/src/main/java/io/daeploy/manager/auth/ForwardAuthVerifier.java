package io.daeploy.manager.auth;

import java.nio.charset.StandardCharsets;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ForwardAuth;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * The forward-auth decision for service routes, shared by {@code /auth/verify} (asked by
 * Traefik) and the embedded proxy (which calls it in process): a valid cookie or bearer
 * token passes; a bad bearer token gets 401; a browser without a token is sent to the
 * login page, which is served on the dashboard's origin only (never on the services'
 * origin, where a service's script could read what is typed into it). Verification is a
 * signature check plus a look-up in the in-memory set of active tokens, and remembered
 * tokens skip even the signature check. A decision also says whether the bearer token is
 * one of the manager's (valid here), so the proxy can keep it from the service; with a
 * valid cookie beside it, the bearer is checked for that alone.
 */
@Component
public class ForwardAuthVerifier implements ForwardAuth {

	private static final Decision OPEN = new Decision(200, null, null);

	private final ReactiveJwtDecoder decoder;

	private final boolean enabled;

	ForwardAuthVerifier(ReactiveJwtDecoder decoder, DaeployProperties properties) {
		this.decoder = decoder;
		this.enabled = properties.auth().enabled();
	}

	@Override
	public Mono<Decision> check(String cookie, String bearer, String url, String dashboardOrigin) {
		if (!this.enabled) {
			return Mono.just(OPEN);
		}
		Mono<Decision> byBearer = (bearer != null) ? this.decoder.decode(bearer)
			.map((jwt) -> new Decision(200, null, jwt.getSubject(), true))
			.onErrorResume((ex) -> Mono.empty()) : Mono.empty();
		Mono<Decision> decided = byBearer;
		if (cookie != null && !cookie.isEmpty()) {
			// the cookie decides; a bearer beside it is asked only whether it is ours
			// too,
			// so that a manager token is never forwarded to a service
			decided = this.decoder.decode(cookie)
				.onErrorResume((ex) -> Mono.empty())
				.flatMap((jwt) -> (bearer == null) ? Mono.just(new Decision(200, null, jwt.getSubject()))
						: byBearer.map(Decision::managerBearer)
							.defaultIfEmpty(false)
							.map((ours) -> new Decision(200, null, jwt.getSubject(), ours)))
				.switchIfEmpty(byBearer);
		}
		return decided.switchIfEmpty(Mono.fromSupplier(() -> (bearer != null) ? new Decision(401, null, null)
				: new Decision(303, loginLocation(dashboardOrigin, url), null)));
	}

	/**
	 * The dashboard's login page, with a way back to where the user was going.
	 * @param dashboardOrigin the dashboard's origin, e.g. {@code http://localhost:5081}
	 * @param destination where the user was going, an absolute URL
	 * @return {@code <dashboard>/auth/login?destination=...}
	 */
	static String loginLocation(String dashboardOrigin, String destination) {
		return dashboardOrigin + "/auth/login?destination="
				+ UriUtils.encodeQueryParam((destination != null) ? destination : "/", StandardCharsets.UTF_8);
	}

}
