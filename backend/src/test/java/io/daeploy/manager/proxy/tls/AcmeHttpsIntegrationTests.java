package io.daeploy.manager.proxy.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.daeploy.manager.TestImages;
import io.daeploy.manager.TestManagers;
import io.daeploy.manager.proxy.TlsSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTPS of the embedded proxy, end to end against Debian's {@code pebble} ACME test
 * server with {@code pebble-challtestsrv} answering DNS (both installed by
 * {@code .ci/run}), all on 127.0.0.1: the certificate for the host name is ordered,
 * proven by an HTTP-01 challenge the proxy answers on its HTTP port, served on the HTTPS
 * and dashboard ports, stored and served again after a restart without a new order, and
 * renewed without dropping a connection that is open.
 */
class AcmeHttpsIntegrationTests {

	private static final String HOST = "daeploy.test";

	private static final String ECHO = """
			#!/bin/sh
			printf 'Content-Type: text/plain\\r\\n\\r\\n'
			echo "proto=$HTTP_X_FORWARDED_PROTO host=$HTTP_X_FORWARDED_HOST"
			""";

	@TempDir
	Path dir;

	private final List<Process> processes = new ArrayList<>();

	private ConfigurableApplicationContext manager;

	private int pebblePort;

	private int pebbleManagement;

	private int httpPort;

	private int httpsPort;

	private int dashboardPort;

	private Path pebbleCa;

	@BeforeEach
	void startPebble() throws Exception {
		// all held open at once, so no two are the same port (one chosen and closed
		// before the next could come back, and pebble bound the manager's)
		int[] ports = freePorts(8);
		int dns = ports[0];
		this.pebblePort = ports[1];
		this.pebbleManagement = ports[2];
		this.httpPort = ports[3];
		this.httpsPort = ports[4];
		this.dashboardPort = ports[5];
		// pebble's own HTTPS (the ACME API) needs a certificate: a self-signed one that
		// the manager is told to trust, as a private ACME server's root would be
		TlsSource.Served api = AcmeCertificates.selfSigned("localhost", Instant.now());
		this.pebbleCa = this.dir.resolve("pebble-ca.pem");
		Files.writeString(this.pebbleCa, pem("CERTIFICATE", api.leaf().getEncoded()));
		Path key = this.dir.resolve("pebble-key.pem");
		Files.writeString(key, pem("PRIVATE KEY", api.key().getEncoded()));
		Path config = this.dir.resolve("pebble.json");
		Files.writeString(config, """
				{"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
				 "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
				 "ocspResponderURL": "", "externalAccountBindingRequired": false}}
				""".formatted(this.pebblePort, this.pebbleManagement, this.pebbleCa, key, this.httpPort, ports[6]));
		start("challtestsrv",
				List.of("pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01",
						"127.0.0.1:" + dns, "-http01", "", "-https01", "", "-tlsalpn01", "", "-management",
						"127.0.0.1:" + ports[7]),
				Map.of());
		start("pebble", List.of("pebble", "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dns),
				Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0", "PEBBLE_AUTHZREUSE", "0"));
		awaitListening(this.pebblePort);
		awaitListening(this.pebbleManagement);
	}

	@AfterEach
	void stop() {
		if (this.manager != null) {
			this.manager.close();
		}
		for (Process process : this.processes) {
			process.destroy();
		}
	}

	@Test
	void obtainsItsCertificateServesEveryPortOverHttpsAndKeepsItAcrossARestart() throws Exception {
		Path data = this.dir.resolve("data");
		this.manager = startManager(data, "12h", "30d");

		// the first handshakes may meet the self-signed stand-in; then pebble's
		X509Certificate issued = awaitIssued(this.httpsPort);
		assertThat(issued.getSubjectAlternativeNames()).anySatisfy((name) -> assertThat(name.get(1)).isEqualTo(HOST));
		assertThat(leaf(this.dashboardPort)).isEqualTo(issued);

		// the HTTP port sends everything to HTTPS, and answers no challenge it was not
		// set
		List<String> redirect = plain("POST /services/x/a?b=1 HTTP/1.1\r\nHost: " + HOST + ":" + this.httpPort
				+ "\r\nContent-Length: 0\r\n\r\n");
		assertThat(redirect.get(0)).startsWith("HTTP/1.1 308");
		assertThat(redirect).contains("location: https://" + HOST + ":" + this.httpsPort + "/services/x/a?b=1");
		assertThat(plain("GET /.well-known/acme-challenge/none HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").get(0))
			.startsWith("HTTP/1.1 404");

		// a service over HTTPS: it hears the request came in over HTTPS, and its URL says
		// so
		String name = "tls" + Long.toString(System.nanoTime() % 1_000_000, 36);
		Map<String, Object> input = Map.of("name", name, "version", "1.0.0", "image", TestImages.BUSYBOX, "labels",
				List.of(Map.of("key", "test.daeploy", "value", "true")), "command",
				List.of("sh", "-c",
						"printf '%s' \"$CGI_echo\" > /www/cgi-bin/echo; busybox chmod +x /www/cgi-bin/echo;"
								+ " exec httpd -f -p 8000 -h /www"),
				"env", List.of(Map.of("name", "CGI_echo", "value", ECHO)), "healthCheck",
				Map.of("path", "/cgi-bin/echo", "timeoutSeconds", 60));
		try {
			String url = TestManagers.graphQl(this.manager, null)
				.document(
						"mutation($input: DeployServiceInput!) { deployService(input: $input) { service { serviceUrl } } }")
				.variable("input", input)
				.execute()
				.path("deployService.service.serviceUrl")
				.entity(String.class)
				.get();
			assertThat(url).isEqualTo("https://" + HOST + ":" + this.httpsPort + "/services/" + name + "/");
			try (TlsConnection connection = new TlsConnection(this.httpsPort)) {
				assertThat(connection.get("/services/" + name + "/cgi-bin/echo"))
					.contains("proto=https host=" + HOST + ":" + this.httpsPort);
			}
		}
		finally {
			TestManagers.graphQl(this.manager, null)
				.document("mutation($n: String!) { killService(input: {name: $n, version: \"1.0.0\"}) { name } }")
				.variable("n", name)
				.execute();
		}

		// what is kept, owner-only
		assertThat(Files.getPosixFilePermissions(data.resolve("tls/" + HOST + "-key.pem")))
			.isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(data.resolve("tls/" + HOST + "-chain.pem")).exists();
		assertThat(data.resolve("tls/account-key.pem")).exists();

		// a new manager on the same data serves the stored certificate from its first
		// handshake, with no new order
		this.manager.close();
		this.manager = startManager(data, "12h", "30d");
		assertThat(leaf(this.httpsPort)).isEqualTo(issued);
	}

	@Test
	void renewsBeforeExpiryWithoutDroppingAnOpenConnection() throws Exception {
		// every check finds the certificate due (it expires within 100 years)
		this.manager = startManager(this.dir.resolve("data"), "2s", "36500d");
		X509Certificate first = awaitIssued(this.httpsPort);
		try (TlsConnection open = new TlsConnection(this.httpsPort)) {
			assertThat(open.serial()).isEqualTo(first.getSerialNumber());
			assertThat(open.get("/actuator/health/liveness")).contains("UP");
			X509Certificate[] renewed = new X509Certificate[1];
			Awaitility.await("a renewed certificate on new connections")
				.atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					renewed[0] = leaf(this.httpsPort);
					return !renewed[0].getSerialNumber().equals(first.getSerialNumber());
				});
			assertThat(issuedByPebble(renewed[0])).isTrue();
			// the connection opened before the renewal still answers, on the old
			// certificate
			assertThat(open.get("/actuator/health/liveness")).contains("UP");
			assertThat(open.serial()).isEqualTo(first.getSerialNumber());
		}
	}

	@Test
	void withoutAnEmailUsersAreToldToSetOneAsTheOriginalDid() throws Exception {
		this.manager = startManager(this.dir.resolve("data"), "12h", "30d", "--daeploy.acme.email=");
		awaitIssued(this.httpsPort);
		Awaitility.await("the advice to set an e-mail among the notifications")
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.until(() -> TestManagers.graphQl(this.manager, null)
				.document("{ notifications { notifications { message } } }")
				.execute()
				.path("notifications.notifications[*].message")
				.entityList(String.class)
				.get()
				.stream()
				.anyMatch((message) -> message
					.startsWith("For HTTPS we recommend you set an email address with the DAEPLOY_CONFIG_EMAIL")));
	}

	private ConfigurableApplicationContext startManager(Path data, String checkInterval, String renewBefore,
			String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--daeploy.data-dir=" + data,
				"--daeploy.auth.enabled=false", "--daeploy.proxy.mode=embedded", "--daeploy.proxy.address=127.0.0.1",
				"--daeploy.docker.network=" + TestManagers.NETWORK, "--daeploy.instance=acme-test",
				"--daeploy.allowed-hosts=" + HOST, "--daeploy.host-name=" + HOST, "--daeploy.proxy.https=true",
				"--daeploy.proxy.http-port=" + this.httpPort, "--daeploy.proxy.https-port=" + this.httpsPort,
				"--daeploy.proxy.dashboard-port=" + this.dashboardPort,
				"--daeploy.acme.server=https://localhost:" + this.pebblePort + "/dir",
				"--daeploy.acme.ca-certificate=" + this.pebbleCa, "--daeploy.acme.email=ops@" + HOST,
				"--daeploy.acme.check-interval=" + checkInterval, "--daeploy.acme.renew-before=" + renewBefore));
		if (more.length > 0) {
			args.removeIf((arg) -> arg.startsWith("--daeploy.acme.email="));
		}
		args.addAll(List.of(more));
		return TestManagers.builder().run(args.toArray(String[]::new));
	}

	private X509Certificate awaitIssued(int port) {
		X509Certificate[] leaf = new X509Certificate[1];
		Awaitility.await("a certificate issued by pebble on port " + port)
			.atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> {
				leaf[0] = leaf(port);
				return issuedByPebble(leaf[0]);
			});
		return leaf[0];
	}

	/** Whether pebble's current root (from its management API) vouches for the chain. */
	private boolean issuedByPebble(X509Certificate leaf) throws Exception {
		try (TlsConnection connection = new TlsConnection(this.httpsPort, pebbleTrust())) {
			return connection.serial().equals(leaf.getSerialNumber());
		}
		catch (javax.net.ssl.SSLHandshakeException ex) {
			return false;
		}
	}

	/** The leaf certificate a port serves, trusting anything (to look at it). */
	private X509Certificate leaf(int port) throws Exception {
		try (TlsConnection connection = new TlsConnection(port, null)) {
			return connection.leaf();
		}
	}

	/**
	 * An SSL context that trusts pebble's issuing roots only, and checks the host name.
	 */
	private SSLContext pebbleTrust() throws Exception {
		HttpClient client = HttpClient.newBuilder().sslContext(AcmeCertificates.trusting(this.pebbleCa)).build();
		KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
		store.load(null, null);
		for (int i = 0; i < 3; i++) {
			HttpResponse<InputStream> root = client
				.send(HttpRequest.newBuilder(URI.create("https://localhost:" + this.pebbleManagement + "/roots/" + i))
					.build(), HttpResponse.BodyHandlers.ofInputStream());
			if (root.statusCode() != 200) {
				root.body().close();
				break;
			}
			try (InputStream in = root.body()) {
				for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
					store.setCertificateEntry("root-" + i, certificate);
				}
			}
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(store);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	/**
	 * A keep-alive HTTPS connection to 127.0.0.1, with SNI and host name of
	 * {@link #HOST}.
	 */
	private final class TlsConnection implements AutoCloseable {

		private final SSLSocket socket;

		private final BufferedReader reader;

		TlsConnection(int port) throws Exception {
			this(port, pebbleTrust());
		}

		TlsConnection(int port, SSLContext trust) throws Exception {
			SSLContext context = trust;
			if (context == null) {
				context = SSLContext.getInstance("TLS");
				context.init(null, new javax.net.ssl.TrustManager[] { new javax.net.ssl.X509TrustManager() {

					@Override
					public void checkClientTrusted(X509Certificate[] chain, String authType) {
					}

					@Override
					public void checkServerTrusted(X509Certificate[] chain, String authType) {
					}

					@Override
					public X509Certificate[] getAcceptedIssuers() {
						return new X509Certificate[0];
					}

				} }, null);
			}
			Socket plain = new Socket();
			plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			plain.setSoTimeout(30_000);
			this.socket = (SSLSocket) context.getSocketFactory().createSocket(plain, HOST, port, true);
			SSLParameters parameters = this.socket.getSSLParameters();
			parameters.setServerNames(List.of(new SNIHostName(HOST)));
			if (trust != null) {
				parameters.setEndpointIdentificationAlgorithm("HTTPS");
			}
			this.socket.setSSLParameters(parameters);
			this.socket.startHandshake();
			this.reader = new BufferedReader(
					new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		}

		X509Certificate leaf() throws Exception {
			return (X509Certificate) this.socket.getSession().getPeerCertificates()[0];
		}

		BigInteger serial() throws Exception {
			return leaf().getSerialNumber();
		}

		/** One GET on this connection, kept open: the body of a 200 answer. */
		String get(String path) throws IOException {
			OutputStream out = this.socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + ":" + this.socket.getPort() + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String status = this.reader.readLine();
			assertThat(status).startsWith("HTTP/1.1 200");
			int length = -1;
			boolean chunked = false;
			for (String line = this.reader.readLine(); !line.isEmpty(); line = this.reader.readLine()) {
				String lower = line.toLowerCase(java.util.Locale.ROOT);
				if (lower.startsWith("content-length:")) {
					length = Integer.parseInt(line.substring(15).strip());
				}
				chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
			}
			StringBuilder body = new StringBuilder();
			if (chunked) {
				for (int size = Integer.parseInt(this.reader.readLine().strip(), 16); size > 0; size = Integer
					.parseInt(this.reader.readLine().strip(), 16)) {
					char[] chunk = new char[size];
					int read = 0;
					while (read < size) {
						read += this.reader.read(chunk, read, size - read);
					}
					body.append(chunk);
					this.reader.readLine();
				}
				this.reader.readLine();
			}
			else {
				char[] content = new char[length];
				int read = 0;
				while (read < length) {
					read += this.reader.read(content, read, length - read);
				}
				body.append(content);
			}
			return body.toString();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

	/**
	 * One request on a plain connection to the HTTP port: the status line and headers.
	 */
	private List<String> plain(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.httpPort)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			List<String> lines = new ArrayList<>();
			for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
				lines.add(lines.isEmpty() ? line : line.toLowerCase(java.util.Locale.ROOT));
			}
			return lines;
		}
	}

	private void start(String name, List<String> command, Map<String, String> env) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.dir.resolve(name + ".log").toFile());
		builder.environment().putAll(env);
		this.processes.add(builder.start());
	}

	private static void awaitListening(int port) {
		Awaitility.await("port " + port + " to listen")
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> {
				try (Socket socket = new Socket("127.0.0.1", port)) {
					return true;
				}
			});
	}

	private static int[] freePorts(int count) throws IOException {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				sockets.add(new ServerSocket(0));
			}
			return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
		}
		finally {
			for (ServerSocket socket : sockets) {
				socket.close();
			}
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

}
