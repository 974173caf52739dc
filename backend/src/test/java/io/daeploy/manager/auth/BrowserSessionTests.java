package io.daeploy.manager.auth;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the session cookie counts, header by header, as browsers send them.
 */
class BrowserSessionTests {

	private static final String DASHBOARD = "http://localhost:5081";

	@Test
	void theDashboardsOwnRequestsCarryTheSession() {
		assertThat(token(headers(DASHBOARD, "same-origin"), false)).isEqualTo("t0k3n");
		// a navigation the user made (no Origin on a GET)
		assertThat(token(headers(null, "none"), false)).isEqualTo("t0k3n");
		// no browser headers at all: not a page's request
		assertThat(token(headers(null, null), false)).isEqualTo("t0k3n");
	}

	@Test
	void requestsFromOtherOriginsCarryNone() {
		assertThat(token(headers("http://localhost:5080", "same-site"), false)).isNull();
		assertThat(token(headers("http://localhost:5080", null), false)).isNull();
		assertThat(token(headers(null, "same-site"), false)).isNull();
		assertThat(token(headers(null, "cross-site"), false)).isNull();
		assertThat(token(headers("null", null), false)).isNull();
		// an Origin equal to ours but a browser saying otherwise
		assertThat(token(headers(DASHBOARD, "cross-site"), false)).isNull();
	}

	@Test
	void aWebSocketNeedsItsOriginToBeOurs() {
		assertThat(token(headers(DASHBOARD, null), true)).isEqualTo("t0k3n");
		assertThat(token(headers(null, null), true)).isNull();
		assertThat(token(headers(null, "same-origin"), true)).isNull();
	}

	@Test
	void theServicesPortCarriesNoSessionWhateverTheHeaders() {
		HttpHeaders headers = headers(DASHBOARD, "same-origin");
		headers.set(BrowserSession.ENTRY, "services");
		assertThat(token(headers, false)).isNull();
		headers.remove(BrowserSession.ENTRY);
		assertThat(token(headers, false)).isNull();
	}

	@Test
	void theOriginFollowsTheSchemeTheProxyReports() {
		HttpHeaders headers = headers("https://localhost:5081", "same-origin");
		assertThat(token(headers, false)).isNull();
		headers.set("X-Forwarded-Proto", "https");
		assertThat(token(headers, false)).isEqualTo("t0k3n");
	}

	private static String token(HttpHeaders headers, boolean webSocket) {
		MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
		cookies.add(BrowserSession.COOKIE, new HttpCookie(BrowserSession.COOKIE, "t0k3n"));
		return BrowserSession.token(headers, cookies, webSocket);
	}

	private static HttpHeaders headers(String origin, String site) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.HOST, "localhost:5081");
		headers.set(BrowserSession.ENTRY, BrowserSession.DASHBOARD);
		if (origin != null) {
			headers.set(HttpHeaders.ORIGIN, origin);
		}
		if (site != null) {
			headers.set("Sec-Fetch-Site", site);
		}
		return headers;
	}

}
