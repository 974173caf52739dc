package io.daeploy.manager.proxy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Consumer;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.embedded.EmbeddedProxy;
import io.daeploy.manager.proxy.tls.AcmeCertificates;
import io.daeploy.manager.proxy.traefik.TraefikProxy;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Chooses what serves the proxy port ({@code daeploy.proxy.mode}) and starts it once the
 * manager's own server listens.
 */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

	private static final Log logger = LogFactory.getLog(ProxyConfiguration.class);

	@Bean
	TrafficStats trafficStats(MeterRegistry registry) {
		return new TrafficStats(registry);
	}

	@Bean(destroyMethod = "stop")
	ProxyConnector proxyConnector(DaeployProperties properties, Environment environment, ForwardAuth forwardAuth,
			TrafficStats stats, ApplicationEventPublisher events) {
		String mode = mode(properties, environment);
		DaeployProperties.Proxy proxy = properties.proxy();
		Path traefik = switch (mode) {
			case "auto", "traefik" -> TraefikProxy.findBinary(properties.traefikBin());
			case "embedded" -> null;
			default -> throw new IllegalStateException(
					"Unknown proxy mode '" + mode + "' (DAEPLOY_PROXY_MODE): use auto, traefik or embedded");
		};
		if (traefik != null || mode.equals("traefik")) {
			logger.info((traefik != null)
					? "Users reach services through Traefik (" + traefik + ") on port " + proxy.httpPort()
					: "Proxy mode traefik without a Traefik binary: writing its files only");
			return new TraefikProxy(properties, traefik, stats, (message) -> {
				logger.error("Traefik crashed: " + message + "; restarting it");
				try {
					events.publishEvent(new ProxyIncident("Traefik crashed: " + message + "; restarting it"));
				}
				catch (RuntimeException ex) {
					// the manager is shutting down
					logger.debug("No notification about the crash", ex);
				}
			});
		}
		logger.info("No Traefik binary found (DAEPLOY_TRAEFIK_BIN or PATH): users reach services through the"
				+ " embedded proxy on port " + proxy.httpPort());
		String address = proxy.address();
		if (address == null || address.isBlank()) {
			// with nothing to check requests against, nobody but this host may reach the
			// manager (services can not either; set DAEPLOY_PROXY_ADDRESS on a trusted
			// network)
			address = properties.auth().enabled() ? "0.0.0.0" : "127.0.0.1";
			if (!properties.auth().enabled()) {
				logger.warn("Auth is off: the proxy listens on 127.0.0.1 only (DAEPLOY_PROXY_ADDRESS changes that)");
			}
		}
		AcmeCertificates tls = proxy.https() ? acme(properties, events) : null;
		EmbeddedProxy embedded = new EmbeddedProxy(
				new EmbeddedProxy.Settings(address, proxy.httpPort(), proxy.dashboardPort(), proxy.shadowTimeout(),
						proxy.mirrorMaxBody().toBytes(), 256, proxy.httpsPort(), tls),
				limits(proxy), properties.auth().enabled() ? forwardAuth : null, stats);
		if (tls == null) {
			return embedded;
		}
		Runnable advice = () -> {
		};
		if (TraefikProxy.acmeEmail(properties) == null) {
			// as the original: said once at start, in the log and to users
			String text = "For HTTPS we recommend you set an email address with the DAEPLOY_CONFIG_EMAIL (or"
					+ " DAEPLOY_ACME_EMAIL) environment variable, so the certificate authority can warn you"
					+ " about your certificates";
			advice = () -> {
				logger.warn(text);
				events.publishEvent(new ProxyIncident(text));
			};
		}
		return new WithCertificates(embedded, tls, advice);
	}

	/**
	 * The embedded proxy's certificate source: HTTPS without Traefik.
	 */
	private static AcmeCertificates acme(DaeployProperties properties, ApplicationEventPublisher events) {
		DaeployProperties.Acme acme = properties.acme();
		String email = TraefikProxy.acmeEmail(properties);
		Consumer<String> incidents = (message) -> {
			try {
				events.publishEvent(new ProxyIncident(message));
			}
			catch (RuntimeException ex) {
				logger.debug("No notification: " + message, ex);
			}
		};
		return new AcmeCertificates(new AcmeCertificates.Settings(properties.hostName(), acme.directory(false), email,
				acme.caCertificate(), properties.dataDir(), acme.renewBefore(), acme.checkInterval()), incidents,
				Clock.systemUTC());
	}

	/**
	 * The embedded proxy and its certificates, started and stopped together: orders begin
	 * once the HTTP port answers challenges.
	 */
	static final class WithCertificates implements ProxyConnector {

		private final EmbeddedProxy proxy;

		private final AcmeCertificates certificates;

		private final Runnable atStart;

		WithCertificates(EmbeddedProxy proxy, AcmeCertificates certificates, Runnable atStart) {
			this.proxy = proxy;
			this.certificates = certificates;
			this.atStart = atStart;
		}

		@Override
		public void start(InetSocketAddress manager) {
			this.proxy.start(manager);
			this.certificates.start();
			// once listeners can hear it: the server has started
			this.atStart.run();
		}

		@Override
		public void stop() {
			this.certificates.stop();
			this.proxy.stop();
		}

		@Override
		public void route(RouteTable table) {
			this.proxy.route(table);
		}

		@Override
		public int httpPort() {
			return this.proxy.httpPort();
		}

		@Override
		public int dashboardPort() {
			return this.proxy.dashboardPort();
		}

		@Override
		public String kind() {
			return this.proxy.kind();
		}

	}

	/**
	 * The embedded proxy's limits from {@code DAEPLOY_PROXY_*}.
	 */
	static EmbeddedProxy.Limits limits(DaeployProperties.Proxy proxy) {
		return new EmbeddedProxy.Limits(proxy.maxConnections(), proxy.maxConnectionsPerClient(), proxy.maxPipelined(),
				(int) proxy.maxHeaderSize().toBytes(), (int) proxy.maxRequestLine().toBytes(), proxy.headerTimeout(),
				proxy.bodyTimeout(), proxy.idleTimeout(), proxy.sendTimeout());
	}

	@Bean
	ApplicationListener<ReactiveWebServerInitializedEvent> proxyStarter(ProxyConnector proxy) {
		return (event) -> {
			if (event.getApplicationContext().getServerNamespace() == null) {
				proxy.start(new InetSocketAddress("127.0.0.1", event.getWebServer().getPort()));
			}
		};
	}

	/**
	 * The proxy mode: {@code DAEPLOY_PROXY} (as the design notes name it) wins over
	 * {@code daeploy.proxy.mode}.
	 */
	static String mode(DaeployProperties properties, Environment environment) {
		String legacy = environment.getProperty("DAEPLOY_PROXY");
		return ((legacy != null && !legacy.isBlank()) ? legacy : properties.proxy().mode()).strip()
			.toLowerCase(Locale.ROOT);
	}

}
