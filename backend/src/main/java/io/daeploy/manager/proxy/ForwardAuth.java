package io.daeploy.manager.proxy;

import reactor.core.publisher.Mono;

/**
 * The check every service request passes when auth is on: the same verifier
 * {@code /auth/verify} answers Traefik with, called in process by the embedded proxy.
 * <p>
 * The caller's manager credentials never reach a service: both proxies drop the
 * {@link #SESSION_COOKIE session cookie} from what they forward (other cookies pass), and
 * the {@code Authorization} header when the decision says its bearer token is the
 * manager's ({@link Decision#managerBearer()}); a service's own scheme, e.g. Basic,
 * passes. Services learn the caller from {@code X-Daeploy-User}.
 */
@FunctionalInterface
public interface ForwardAuth {

	/** The manager's session cookie, set by {@code /auth/login}. */
	String SESSION_COOKIE = "daeploy";

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
	 * A {@code Cookie} header without the manager's session cookie, the other cookies as
	 * they came.
	 * @param header the header's value, or {@code null}
	 * @return what to forward, or {@code null} when no cookie is left
	 */
	static String withoutSessionCookie(String header) {
		if (header == null) {
			return null;
		}
		if (!header.contains(SESSION_COOKIE)) {
			return header.isBlank() ? null : header;
		}
		StringBuilder kept = new StringBuilder(header.length());
		for (String pair : header.split(";")) {
			String trimmed = pair.strip();
			int equals = trimmed.indexOf('=');
			String name = ((equals >= 0) ? trimmed.substring(0, equals) : trimmed).strip();
			if (trimmed.isEmpty() || name.equals(SESSION_COOKIE)) {
				continue;
			}
			if (!kept.isEmpty()) {
				kept.append("; ");
			}
			kept.append(trimmed);
		}
		return kept.isEmpty() ? null : kept.toString();
	}

	/**
	 * What to do with a request.
	 *
	 * @param status 200 to let it through; 401 for a bad bearer token; 303 to send a
	 * browser to the login page
	 * @param location where a 303 points
	 * @param user the caller, when let through
	 * @param managerBearer whether the request's bearer token is a valid token of the
	 * manager's, which the proxy then removes before forwarding; {@code false} when there
	 * is none or it is a service's own
	 */
	record Decision(int status, String location, String user, boolean managerBearer) {

		/**
		 * A decision about a request whose bearer token, if any, is not the manager's.
		 * @param status 200, 401 or 303
		 * @param location where a 303 points
		 * @param user the caller, when let through
		 */
		public Decision(int status, String location, String user) {
			this(status, location, user, false);
		}

		/**
		 * Whether the request may pass.
		 * @return {@code true} for status 200
		 */
		public boolean allowed() {
			return this.status == 200;
		}

	}

}
