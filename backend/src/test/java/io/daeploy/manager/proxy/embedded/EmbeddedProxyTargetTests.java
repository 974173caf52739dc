package io.daeploy.manager.proxy.embedded;

import io.daeploy.manager.proxy.RouteTable.Backend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the embedded proxy sends a version's requests: a published loopback address when
 * the manager runs on the host, the container's name when it runs in a container, even a
 * name that {@link java.net.URI} does not take for a host.
 */
class EmbeddedProxyTargetTests {

	@Test
	void aPublishedAddressIsUsedAsItIs() {
		EmbeddedProxy.Target target = EmbeddedProxy
			.target(new Backend("hello", "1.0.0", true, "http://127.0.0.1:32768"));
		assertThat(target.address().isUnresolved()).isFalse();
		assertThat(target.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(target.address().getPort()).isEqualTo(32768);
	}

	@Test
	void aContainerNameEndingInAVersionIsTheHost() {
		EmbeddedProxy.Target target = EmbeddedProxy
			.target(new Backend("hello", "1.0.0", true, "http://daeploy-hello-1.0.0:8000"));
		assertThat(target.address().isUnresolved()).isTrue();
		assertThat(target.address().getHostString()).isEqualTo("daeploy-hello-1.0.0");
		assertThat(target.address().getPort()).isEqualTo(8000);
	}

	@Test
	void anInstancesContainerWithAPreReleaseVersionIsTheHostToo() {
		EmbeddedProxy.Target target = EmbeddedProxy
			.target(new Backend("hello", "2.0.0-rc.1", false, "http://daeploy-ci-7-hello-2.0.0-rc.1:5000"));
		assertThat(target.address().getHostString()).isEqualTo("daeploy-ci-7-hello-2.0.0-rc.1");
		assertThat(target.address().getPort()).isEqualTo(5000);
	}

}
