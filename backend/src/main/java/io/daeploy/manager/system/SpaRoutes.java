package io.daeploy.manager.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.daeploy.manager.auth.DashboardPages;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the SPA the frontend module built into {@code classpath:/static/}: its shell
 * ({@code index.html}) for every route a browser loads (a deep link such as
 * {@code /services/hello/1.0.0}, a reload, and the sign-in page a service URL sends
 * browsers to), and GraphiQL, bundled by the same build, at {@code /graphiql}. Which
 * requests are pages is {@link DashboardPages}'s to say; everything else (the API, the
 * assets) goes on to its own handler. Without a built SPA on the class path these routes
 * match nothing.
 */
@Configuration(proxyBeanMethods = false)
class SpaRoutes {

	private static final CacheControl REVALIDATE = CacheControl.noCache();

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	RouterFunction<ServerResponse> spaRouter() {
		byte[] index = read("static/index.html");
		byte[] graphiql = read("static/graphiql.html");
		RouterFunctions.Builder routes = RouterFunctions.route();
		if (graphiql != null) {
			routes.GET("/graphiql", (request) -> html(graphiql));
		}
		if (index != null) {
			RequestPredicate appRoute = (request) -> DashboardPages.isAppRoute(request.exchange().getRequest())
					|| DashboardPages.isSignInPage(request.exchange().getRequest());
			routes.route(appRoute, (request) -> html(index));
		}
		return routes.build();
	}

	private static Mono<ServerResponse> html(byte[] page) {
		return ServerResponse.ok()
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.cacheControl(REVALIDATE)
			.bodyValue(page);
	}

	private static byte[] read(String location) {
		ClassPathResource resource = new ClassPathResource(location);
		if (!resource.exists()) {
			return null;
		}
		try (InputStream in = resource.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
