package io.daeploy.manager.auth;

import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which requests ask for the dashboard's pages: its files (the SPA's shell and assets,
 * GraphiQL) and every route of the SPA, which a browser loads by asking for HTML at the
 * route's path (a deep link or a reload of {@code /services/hello/1.0.0}). The API's
 * paths are never pages: {@code /graphql}, {@code /auth/...}, {@code /uploads},
 * {@code /healthz} and the original SDK's {@code /notifications/}; {@code /notifications}
 * itself is the SPA's page for a browser asking for HTML and the SDK's REST call for
 * anything else.
 * <p>
 * Pages are public (the data they show is not: they ask GraphQL with the session), are
 * served on the dashboard's origin only, and a browser asking the services' port for one
 * is sent there.
 */
public final class DashboardPages {

	private static final List<PathPattern> FILES = List
		.of("/", "/index.html", "/graphiql.html", "/assets/**", "/favicon.ico", "/graphiql", "/graphiql/**")
		.stream()
		.map(PathPatternParser.defaultInstance::parse)
		.toList();

	private static final List<String> API_PREFIXES = List.of("/graphql", "/graphiql", "/auth/", "/uploads", "/healthz",
			"/notifications/", "/assets/");

	private DashboardPages() {
	}

	/**
	 * Whether a request asks for one of the dashboard's pages or files.
	 * @param request the request
	 * @return {@code true} for a GET or HEAD of a dashboard file or an SPA route
	 */
	public static boolean isPage(ServerHttpRequest request) {
		return isRead(request)
				&& (FILES.stream().anyMatch((file) -> file.matches(request.getPath().pathWithinApplication()))
						|| isAppRoute(request));
	}

	/**
	 * Whether a request is a browser loading one of the SPA's routes: a GET or HEAD that
	 * asks for HTML, at a path that is none of the API's.
	 * @param request the request
	 * @return {@code true} when the SPA's {@code index.html} answers it
	 */
	public static boolean isAppRoute(ServerHttpRequest request) {
		String path = request.getPath().pathWithinApplication().value();
		return isRead(request) && acceptsHtml(request.getHeaders()) && path.startsWith("/")
				&& API_PREFIXES.stream().noneMatch(path::startsWith) && !path.equals("/favicon.ico")
				&& !path.equals("/index.html") && !path.equals("/graphiql.html");
	}

	/**
	 * Whether a request is a browser loading the sign-in page on the dashboard's origin,
	 * which the SPA shows (it also serves a service URL's redirect there).
	 * @param request the request
	 * @return {@code true} for a GET of {@code /auth/login} asking for HTML on the
	 * dashboard's port
	 */
	public static boolean isSignInPage(ServerHttpRequest request) {
		return isRead(request) && "/auth/login".equals(request.getPath().pathWithinApplication().value())
				&& acceptsHtml(request.getHeaders()) && BrowserSession.onDashboard(request.getHeaders());
	}

	private static boolean isRead(ServerHttpRequest request) {
		return request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD;
	}

	private static boolean acceptsHtml(HttpHeaders headers) {
		try {
			return headers.getAccept()
				.stream()
				.anyMatch((type) -> type.isCompatibleWith(MediaType.TEXT_HTML) && !type.isWildcardType()
						&& !type.isWildcardSubtype());
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

}
