package io.daeploy.manager.proxy.embedded;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.daeploy.manager.proxy.embedded.EmbeddedProxy.Limits;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one client can make the embedded proxy hold, attacked over raw sockets: connection
 * floods. Each attack costs the attacker its own connection and the proxy a bounded
 * amount, and other clients go on being served.
 */
class EmbeddedProxyLimitsTests {

	private static final String GET = "GET /services/svc/ping HTTP/1.1\r\nHost: proxy\r\n\r\n";

	private final ProxyFixture fixture = new ProxyFixture();

	@AfterEach
	void stop() throws Exception {
		this.fixture.close();
	}

	@Test
	void connectionsPerClientAddressAreCapped() throws Exception {
		this.fixture.start(ProxyFixture.withConnections(100, 3)).route(this.fixture.echo());
		List<RawHttp.Client> held = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				RawHttp.Client client = this.fixture.client();
				held.add(client);
				assertThat(client.send(GET).read().status()).isEqualTo(200);
			}
			try (RawHttp.Client fourth = this.fixture.client()) {
				assertThat(fourth.closedByProxy()).as("a fourth connection from 127.0.0.1").isTrue();
			}
			try (RawHttp.Client other = RawHttp.connectFrom("127.0.0.2", this.fixture.port())) {
				assertThat(other.send(GET).read().status()).as("another address").isEqualTo(200);
			}
			held.remove(0).close();
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::servedOnANewConnection);
		}
		finally {
			held.forEach(RawHttp.Client::close);
		}
	}

	@Test
	void connectionsInAllAreCapped() throws Exception {
		this.fixture.start(ProxyFixture.withConnections(4, 100)).route(this.fixture.echo());
		List<RawHttp.Client> held = new ArrayList<>();
		try {
			for (String from : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")) {
				RawHttp.Client client = RawHttp.connectFrom(from, this.fixture.port());
				held.add(client);
				assertThat(client.send(GET).read().status()).isEqualTo(200);
			}
			try (RawHttp.Client fifth = RawHttp.connectFrom("127.0.0.5", this.fixture.port())) {
				assertThat(fifth.closedByProxy()).as("a fifth connection").isTrue();
			}
			held.remove(0).close();
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::servedOnANewConnection);
		}
		finally {
			held.forEach(RawHttp.Client::close);
		}
	}

	@Test
	void theConnectionCapStaysBelowTheDescriptorLimit() {
		assertThat(Limits.connectionCap(1024, 20_000)).isEqualTo(1024);
		assertThat(Limits.connectionCap(1024, 1024)).isEqualTo((1024 - 256) / 3);
		assertThat(Limits.connectionCap(1024, 100)).isEqualTo(16);
		assertThat(Limits.connectionCap(1024, -1)).isEqualTo(1024);
	}

	private boolean servedOnANewConnection() {
		try (RawHttp.Client client = this.fixture.client()) {
			client.timeout(Duration.ofSeconds(2));
			return client.send(GET).read().status() == 200;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
