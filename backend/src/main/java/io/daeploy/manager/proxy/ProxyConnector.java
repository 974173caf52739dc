package io.daeploy.manager.proxy;

import java.net.InetSocketAddress;

/**
 * The port to whatever serves users on the proxy port: Traefik run as a child process, or
 * the embedded proxy. It routes exactly the last {@link RouteTable} it was given.
 */
public interface ProxyConnector {

	/**
	 * Starts serving, once the manager's own server listens (everything that is not a
	 * service route goes there).
	 * @param manager the manager's own server, e.g. {@code 127.0.0.1:8080}
	 */
	void start(InetSocketAddress manager);

	/**
	 * Stops serving; called at shutdown.
	 */
	void stop();

	/**
	 * Routes this table from now on, replacing the previous one. Called on every change;
	 * must not block for long.
	 * @param table what to route
	 */
	void route(RouteTable table);

	/**
	 * The HTTP port users reach the proxy on, as bound (which matters when port 0 was
	 * configured).
	 * @return the port, or the configured one before the proxy listens
	 */
	int httpPort();

	/**
	 * The port of the dashboard's own origin, as bound.
	 * @return the port, or the configured one before the proxy listens
	 */
	int dashboardPort();

	/**
	 * Which proxy this is, for the {@code manager} query and the log.
	 * @return {@code embedded} or {@code traefik}
	 */
	String kind();

}
