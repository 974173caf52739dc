package io.daeploy.manager.auth;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.util.MultiValueMap;

/**
 * The one browser session: an httpOnly cookie holding a session token, accepted only on
 * the dashboard's own origin and only for requests the dashboard itself makes.
 * <p>
 * Services are served on another port than the dashboard, so no service's page shares the
 * dashboard's origin. Cookies are not scoped by port, though: a page served by a service
 * could still make the browser send the cookie to the dashboard's port. So the cookie
 * counts only when the request came in on the dashboard's port (the proxy says so in
 * {@code X-Daeploy-Entry}, a header it never passes on from clients) and the browser says
 * the request comes from that same origin ({@code Sec-Fetch-Site: same-origin}, or an
 * {@code Origin} equal to the request's own). Anything else is treated as carrying no
 * session; bearer tokens (CLI, SDK, scripts) are unaffected.
 */
final class BrowserSession {

	/** The session cookie's name. */
	static final String COOKIE = "daeploy";

	/** Set by the proxy: which of its ports the request came in on. */
	static final String ENTRY = "X-Daeploy-Entry";

	static final String DASHBOARD = "dashboard";

	private BrowserSession() {
	}

	/**
	 * The session token a request carries, if the request may use it.
	 * @param headers the request's headers
	 * @param cookies the request's cookies
	 * @param webSocket whether this is a WebSocket handshake (browsers apply no
	 * same-origin rule to WebSockets, so the {@code Origin} must be present and equal)
	 * @return the token, or {@code null}
	 */
	static String token(HttpHeaders headers, MultiValueMap<String, HttpCookie> cookies, boolean webSocket) {
		HttpCookie cookie = cookies.getFirst(COOKIE);
		if (cookie == null || cookie.getValue().isEmpty() || !onDashboard(headers)) {
			return null;
		}
		return fromOwnOrigin(headers, webSocket) ? cookie.getValue() : null;
	}

	/**
	 * Whether a request came in on the dashboard's port.
	 * @param headers the request's headers
	 * @return {@code true} when the proxy marked it so
	 */
	static boolean onDashboard(HttpHeaders headers) {
		return DASHBOARD.equals(headers.getFirst(ENTRY));
	}

	/**
	 * Whether the browser says a request comes from the request's own origin. A request
	 * without either header comes from no browser page (a browser sends {@code Origin} on
	 * every cross-origin and every non-GET request, and {@code Sec-Fetch-Site} on all).
	 * @param headers the request's headers
	 * @param requireOrigin whether an {@code Origin} must be present
	 * @return whether it does
	 */
	static boolean fromOwnOrigin(HttpHeaders headers, boolean requireOrigin) {
		String origin = headers.getOrigin();
		String site = headers.getFirst("Sec-Fetch-Site");
		if (origin == null) {
			if (requireOrigin) {
				return false;
			}
			return site == null || site.equals("same-origin") || site.equals("none");
		}
		if (site != null && !site.equals("same-origin")) {
			return false;
		}
		return origin.equalsIgnoreCase(ownOrigin(headers));
	}

	/**
	 * A request's own origin, as the browser that sent it names origins.
	 * @param headers the request's headers
	 * @return e.g. {@code http://localhost:5081}, or {@code null} without a Host
	 */
	static String ownOrigin(HttpHeaders headers) {
		String host = headers.getFirst(HttpHeaders.HOST);
		if (host == null) {
			return null;
		}
		return scheme(headers) + "://" + host.toLowerCase(Locale.ROOT);
	}

	/**
	 * The scheme the client used, as the proxy reports it.
	 * @param headers the request's headers
	 * @return {@code http} or {@code https}
	 */
	static String scheme(HttpHeaders headers) {
		return "https".equalsIgnoreCase(headers.getFirst("X-Forwarded-Proto")) ? "https" : "http";
	}

	/**
	 * The host name of a request, without its port.
	 * @param headers the request's headers
	 * @return the host name, or {@code localhost}
	 */
	static String hostName(HttpHeaders headers) {
		String host = headers.getFirst(HttpHeaders.HOST);
		if (host == null || host.isEmpty()) {
			return "localhost";
		}
		try {
			String name = URI.create("http://" + host).getHost();
			return (name != null) ? name : "localhost";
		}
		catch (IllegalArgumentException ex) {
			return "localhost";
		}
	}

}
