package io.daeploy.manager.proxy;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Where the embedded proxy's HTTPS gets its certificate and the answers to HTTP-01
 * challenges ({@code /.well-known/acme-challenge/<token>} on the HTTP port). The proxy
 * knows nothing of how the certificate is obtained.
 */
public interface TlsSource {

	/**
	 * The certificate to serve now: never {@code null} once the proxy has started (a
	 * self-signed one stands in until an issued one arrives).
	 * @return key and chain, leaf first
	 */
	Served current();

	/**
	 * The key authorization that answers an HTTP-01 challenge.
	 * @param token the last path segment of the challenge URL
	 * @return the answer, or {@code null} when no such challenge is pending
	 */
	String challenge(String token);

	/**
	 * Calls {@code listener} each time {@link #current()} changes (a first issue, a
	 * renewal); connections already open keep the certificate they began with.
	 * @param listener what to call, on the thread that made the change
	 */
	void onChange(Runnable listener);

	/**
	 * A certificate with its key.
	 *
	 * @param key the private key
	 * @param chain the certificate chain, leaf first
	 */
	record Served(PrivateKey key, List<X509Certificate> chain) {

		/**
		 * The leaf certificate.
		 * @return the first of the chain
		 */
		public X509Certificate leaf() {
			return this.chain.get(0);
		}

	}

}
