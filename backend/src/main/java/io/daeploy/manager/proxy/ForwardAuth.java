package io.daeploy.manager.proxy;

import reactor.core.publisher.Mono;

/**
 * The check every service request passes when auth is on: the same verifier
 * {@code /auth/verify} answers Traefik with, called in process by the embedded proxy.
 */
@FunctionalInterface
public interface ForwardAuth {

	/**
	 * Checks a request's credentials.
	 * @param cookie the value of the {@code daeploy} cookie, or {@code null}
	 * @param bearer the bearer token of the {@code Authorization} header, or {@code null}
	 * @param url the requested URL as the client sent it ({@code http://host:port/path}),
	 * for the login page's way back
	 * @param dashboardOrigin the origin of the dashboard, where the login page is served
	 * (e.g. {@code http://localhost:5081})
	 * @return the decision
	 */
	Mono<Decision> check(String cookie, String bearer, String url, String dashboardOrigin);

	/**
	 * The token of an {@code Authorization: Bearer ...} header, as both proxies read it.
	 * @param header the header's value, or {@code null}
	 * @return the token, or {@code null} when the header carries none
	 */
	static String bearerToken(String header) {
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) {
			return header.substring(7).strip();
		}
		return null;
	}

	/**
	 * What to do with a request.
	 *
	 * @param status 200 to let it through; 401 for a bad bearer token; 303 to send a
	 * browser to the login page
	 * @param location where a 303 points
	 * @param user the caller, when let through
	 */
	record Decision(int status, String location, String user) {

		/**
		 * Whether the request may pass.
		 * @return {@code true} for status 200
		 */
		public boolean allowed() {
			return this.status == 200;
		}

	}

}
