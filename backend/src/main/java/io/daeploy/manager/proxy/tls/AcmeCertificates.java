package io.daeploy.manager.proxy.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.daeploy.manager.proxy.TlsSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * The embedded proxy's certificate for {@code DAEPLOY_HOST_NAME}, obtained from an ACME
 * server (Let's Encrypt unless {@code DAEPLOY_ACME_SERVER} says otherwise) with acme4j,
 * proven by HTTP-01 challenges that the proxy answers on its HTTP port, and renewed
 * {@link Settings#renewBefore()} before it expires. The account key, the certificate's
 * key and its chain are kept in {@code <data dir>/tls/} (owner-only), so a restart serves
 * the stored certificate at once and orders nothing. Until a first certificate is issued
 * the proxy serves a self-signed one, so its HTTPS port works from the start; a failed
 * order is reported once and retried with a growing pause.
 */
public final class AcmeCertificates implements TlsSource {

	private static final Log logger = LogFactory.getLog(AcmeCertificates.class);

	private static final Duration FIRST_RETRY = Duration.ofSeconds(10);

	private static final Duration ORDER_TIMEOUT = Duration.ofMinutes(2);

	static {
		// acme4j builds its signing requests with Bouncy Castle's provider; added last,
		// so
		// the JDK's own providers still serve everything else
		if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
			Security.addProvider(new BouncyCastleProvider());
		}
	}

	private final Settings settings;

	private final Consumer<String> incidents;

	private final Clock clock;

	private final Map<String, String> challenges = new ConcurrentHashMap<>();

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private final Path directory;

	private ScheduledExecutorService scheduler;

	private volatile Served current;

	private volatile boolean issued;

	private volatile boolean stopped;

	private Duration retry = FIRST_RETRY;

	private boolean failing;

	/**
	 * Creates the source; it serves a stored or a self-signed certificate at once, and
	 * orders from {@link #start()}.
	 * @param settings the host name, the ACME server and where files go
	 * @param incidents told in words for users when an order fails
	 * @param clock what now is
	 */
	public AcmeCertificates(Settings settings, Consumer<String> incidents, Clock clock) {
		this.settings = settings;
		this.incidents = incidents;
		this.clock = clock;
		this.directory = settings.dataDir().resolve("tls");
		Served stored = stored();
		if (stored != null) {
			this.current = stored;
			this.issued = true;
			logger.info("HTTPS: serving the stored certificate for " + settings.hostName() + ", valid until "
					+ stored.leaf().getNotAfter().toInstant());
		}
		else {
			this.current = selfSigned(settings.hostName(), clock.instant());
			logger.info("HTTPS: a self-signed certificate for " + settings.hostName()
					+ " stands in until the ACME server (" + settings.server() + ") issues one");
		}
	}

	/**
	 * Checks the certificate now and then every {@link Settings#checkInterval()},
	 * ordering one when none was issued or it expires within
	 * {@link Settings#renewBefore()}. Call once the HTTP port answers challenges.
	 */
	public synchronized void start() {
		if (this.scheduler != null) {
			return;
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "daeploy-acme");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.execute(this::check);
	}

	/**
	 * Stops checking; an order in progress is abandoned.
	 */
	public synchronized void stop() {
		this.stopped = true;
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public Served current() {
		return this.current;
	}

	@Override
	public String challenge(String token) {
		return this.challenges.get(token);
	}

	@Override
	public void onChange(Runnable listener) {
		this.listeners.add(listener);
	}

	private void check() {
		Duration next = this.settings.checkInterval();
		try {
			if (due()) {
				order();
				this.retry = FIRST_RETRY;
				if (this.failing) {
					this.failing = false;
					this.incidents.accept("HTTPS: the certificate for " + this.settings.hostName()
							+ " was issued after earlier failures");
				}
			}
		}
		catch (Exception ex) {
			if (this.stopped || Thread.currentThread().isInterrupted()) {
				return;
			}
			logger.warn("HTTPS: no certificate for " + this.settings.hostName() + " from " + this.settings.server()
					+ " (next try in " + this.retry.toSeconds() + " s): " + ex.getMessage(), ex);
			if (!this.failing) {
				this.failing = true;
				this.incidents.accept("HTTPS: the ACME server " + this.settings.server() + " issued no certificate for "
						+ this.settings.hostName() + ": " + ex.getMessage()
						+ ". Browsers see a self-signed certificate until it does; retrying.");
			}
			next = (this.retry.compareTo(next) < 0) ? this.retry : next;
			this.retry = this.retry.multipliedBy(2);
		}
		ScheduledExecutorService current = this.scheduler;
		if (current != null && !current.isShutdown()) {
			current.schedule(this::check, next.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private boolean due() {
		if (!this.issued) {
			return true;
		}
		Instant notAfter = this.current.leaf().getNotAfter().toInstant();
		return notAfter.minus(this.settings.renewBefore()).isBefore(this.clock.instant());
	}

	private void order() throws AcmeException, IOException, InterruptedException {
		Session session = session();
		Account account = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey()).create(session);
		if (this.settings.email() != null && !this.settings.email().isBlank()
				&& account.getContacts()
					.stream()
					.noneMatch((contact) -> contact.toString().endsWith(":" + this.settings.email()))) {
			account.modify().addEmail(this.settings.email()).commit();
		}
		Order order = account.newOrder().domain(this.settings.hostName()).create();
		List<String> tokens = new ArrayList<>();
		try {
			for (Authorization authorization : order.getAuthorizations()) {
				if (authorization.getStatus() == Status.VALID) {
					continue;
				}
				Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class)
					.orElseThrow(() -> new AcmeException("the ACME server offers no HTTP-01 challenge"));
				this.challenges.put(challenge.getToken(), challenge.getAuthorization());
				tokens.add(challenge.getToken());
				challenge.trigger();
				Status status = challenge.waitForCompletion(ORDER_TIMEOUT);
				if (status != Status.VALID) {
					throw new AcmeException("the HTTP-01 challenge for " + authorization.getIdentifier().getDomain()
							+ " ended " + status + challenge.getError().map((problem) -> ": " + problem).orElse(""));
				}
			}
			KeyPair domainKey = ecKey();
			order.waitUntilReady(ORDER_TIMEOUT);
			order.execute(domainKey);
			Status status = order.waitForCompletion(ORDER_TIMEOUT);
			if (status != Status.VALID) {
				throw new AcmeException(
						"the order ended " + status + order.getError().map((problem) -> ": " + problem).orElse(""));
			}
			List<X509Certificate> chain = order.getCertificate().getCertificateChain();
			store(domainKey, chain);
			this.current = new Served(domainKey.getPrivate(), List.copyOf(chain));
			this.issued = true;
			logger.info("HTTPS: certificate for " + this.settings.hostName() + " issued by "
					+ chain.get(0).getIssuerX500Principal().getName() + ", valid until "
					+ chain.get(0).getNotAfter().toInstant());
			for (Runnable listener : this.listeners) {
				listener.run();
			}
		}
		finally {
			tokens.forEach(this.challenges::remove);
		}
	}

	private Session session() throws IOException {
		URI server = URI.create(this.settings.server());
		Path ca = this.settings.caCertificate();
		if (ca == null || !("https".equals(server.getScheme()) || "http".equals(server.getScheme()))) {
			return new Session(server);
		}
		SSLContext context = trusting(ca);
		return new Session(server, new GenericAcmeProvider() {

			@Override
			public HttpClient createHttpClient(NetworkSettings network) {
				return HttpClient.newBuilder()
					.followRedirects(HttpClient.Redirect.NORMAL)
					.connectTimeout(network.getTimeout())
					.proxy(network.getProxySelector())
					.sslContext(context)
					.build();
			}

		});
	}

	/**
	 * An SSL context that trusts the certificates of a PEM file and nothing else: the
	 * root of a private ACME server ({@code DAEPLOY_ACME_CA_CERTIFICATE}).
	 */
	static SSLContext trusting(Path pem) throws IOException {
		try (InputStream in = Files.newInputStream(pem)) {
			KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
			store.load(null, null);
			int i = 0;
			for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
				store.setCertificateEntry("ca-" + i++, certificate);
			}
			if (i == 0) {
				throw new IOException("no certificate in " + pem);
			}
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(store);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trust.getTrustManagers(), null);
			return context;
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IOException("DAEPLOY_ACME_CA_CERTIFICATE " + pem + " is not usable: " + ex.getMessage(), ex);
		}
	}

	private KeyPair accountKey() throws IOException {
		Path file = this.directory.resolve("account-key.pem");
		if (Files.exists(file)) {
			return readKeyPair(file);
		}
		KeyPair key = ecKey();
		write(file, keyPairPem(key));
		return key;
	}

	private Served stored() {
		Path key = this.directory.resolve(this.settings.hostName() + "-key.pem");
		Path chain = this.directory.resolve(this.settings.hostName() + "-chain.pem");
		if (!Files.exists(key) || !Files.exists(chain)) {
			return null;
		}
		try (InputStream in = Files.newInputStream(chain)) {
			KeyPair pair = readKeyPair(key);
			List<X509Certificate> certificates = new ArrayList<>();
			for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
				certificates.add((X509Certificate) certificate);
			}
			if (certificates.isEmpty()) {
				return null;
			}
			return new Served(pair.getPrivate(), List.copyOf(certificates));
		}
		catch (IOException | java.security.GeneralSecurityException | RuntimeException ex) {
			logger.warn("HTTPS: the stored certificate in " + this.directory + " is not usable (" + ex.getMessage()
					+ "); ordering a new one");
			return null;
		}
	}

	private void store(KeyPair key, List<X509Certificate> chain) throws IOException {
		String keyPem = keyPairPem(key);
		StringWriter chainPem = new StringWriter();
		for (X509Certificate certificate : chain) {
			writePem(chainPem, certificate);
		}
		// the key first: a chain without its key is never left behind
		write(this.directory.resolve(this.settings.hostName() + "-key.pem"), keyPem);
		write(this.directory.resolve(this.settings.hostName() + "-chain.pem"), chainPem.toString());
	}

	/**
	 * A key pair as PEM: the private key (PKCS #8) and the public key (X.509), each in
	 * its own block, so it is read back with the JDK alone.
	 */
	static String keyPairPem(KeyPair key) {
		return pem("PRIVATE KEY", key.getPrivate().getEncoded()) + pem("PUBLIC KEY", key.getPublic().getEncoded());
	}

	static KeyPair readKeyPair(Path file) throws IOException {
		String text = Files.readString(file, StandardCharsets.US_ASCII);
		try {
			KeyFactory factory = KeyFactory.getInstance("EC");
			return new KeyPair(factory.generatePublic(new X509EncodedKeySpec(block(text, "PUBLIC KEY", file))),
					factory.generatePrivate(new PKCS8EncodedKeySpec(block(text, "PRIVATE KEY", file))));
		}
		catch (java.security.GeneralSecurityException | IllegalArgumentException ex) {
			throw new IOException("Not a key pair: " + file + " (" + ex.getMessage() + ")", ex);
		}
	}

	private static byte[] block(String text, String type, Path file) throws IOException {
		String begin = "-----BEGIN " + type + "-----";
		int start = text.indexOf(begin);
		int end = text.indexOf("-----END " + type + "-----");
		if (start < 0 || end < start) {
			throw new IOException("No " + type + " in " + file);
		}
		return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	private static void writePem(Writer out, X509Certificate certificate) throws IOException {
		try {
			out.write(pem("CERTIFICATE", certificate.getEncoded()));
		}
		catch (java.security.cert.CertificateEncodingException ex) {
			throw new IOException(ex);
		}
	}

	/** Writes a file owner-only, replacing the old one in one step. */
	private void write(Path file, String content) throws IOException {
		Files.createDirectories(this.directory);
		try {
			Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwx------"));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system
		}
		Path temporary = Files.createTempFile(this.directory, file.getFileName().toString(), ".tmp");
		try {
			try {
				Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
			}
			catch (UnsupportedOperationException ex) {
				// not a POSIX file system
			}
			Files.writeString(temporary, content);
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/** A P-256 key pair of the JDK's own provider, which the TLS engine signs with. */
	private static KeyPair ecKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException("No P-256 keys on this JDK: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A self-signed certificate for {@code host}, valid for 90 days.
	 * @param host the name it is for
	 * @param now when it begins
	 * @return key and certificate
	 */
	static Served selfSigned(String host, Instant now) {
		KeyPair key = ecKey();
		X500Name name = new X500Name("CN=" + host.replaceAll("[,=+<>#;\"\\\\]", "_"));
		try {
			JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
					BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
					Date.from(now.plus(Duration.ofDays(90))), name, key.getPublic());
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
			X509Certificate certificate = new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
			return new Served(key.getPrivate(), List.of(certificate));
		}
		catch (IOException | OperatorCreationException | java.security.cert.CertificateException ex) {
			throw new IllegalStateException("No self-signed certificate for " + host + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * What the certificate is for and where it comes from.
	 *
	 * @param hostName the name it is issued for ({@code DAEPLOY_HOST_NAME})
	 * @param server the ACME server: an {@code https} directory URL or an acme4j
	 * {@code acme://} URI
	 * @param email the account's contact, or {@code null}
	 * @param caCertificate a PEM file whose certificates alone are trusted for an
	 * {@code https} ACME server, or {@code null} for the JDK's trust store
	 * @param dataDir the manager's data directory; files go to its {@code tls/}
	 * @param renewBefore how long before expiry a certificate is renewed
	 * @param checkInterval how often the expiry is checked
	 */
	public record Settings(String hostName, String server, String email, Path caCertificate, Path dataDir,
			Duration renewBefore, Duration checkInterval) {
	}

}
