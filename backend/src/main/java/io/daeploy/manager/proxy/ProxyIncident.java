package io.daeploy.manager.proxy;

/**
 * Something went wrong with the proxy that users should hear about, such as Traefik
 * crashing. Published as an application event; whoever tells users (the notification
 * feature) listens for it, so the proxy knows nothing of them.
 *
 * @param message what happened, in words for users
 */
public record ProxyIncident(String message) {

}
