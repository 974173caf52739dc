package io.daeploy.manager.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What both proxies forward of the caller's credentials.
 */
class ForwardAuthTests {

	@Test
	void theSessionCookieIsDroppedAndOthersPassAsTheyCame() {
		assertThat(ForwardAuth.withoutSessionCookie("theme=dark; daeploy=abc.def.ghi; lang=sv"))
			.isEqualTo("theme=dark; lang=sv");
		assertThat(ForwardAuth.withoutSessionCookie("daeploy=abc")).isNull();
		assertThat(ForwardAuth.withoutSessionCookie(" daeploy = abc ;daeploy=second")).isNull();
		assertThat(ForwardAuth.withoutSessionCookie("daeployed=1; x=\"daeploy=1\""))
			.isEqualTo("daeployed=1; x=\"daeploy=1\"");
		assertThat(ForwardAuth.withoutSessionCookie("Daeploy=other-case")).isEqualTo("Daeploy=other-case");
		assertThat(ForwardAuth.withoutSessionCookie("a=1;b=2")).isEqualTo("a=1;b=2");
		assertThat(ForwardAuth.withoutSessionCookie(null)).isNull();
		assertThat(ForwardAuth.withoutSessionCookie(" ")).isNull();
	}

	@Test
	void bearerTokensAreReadAsBothProxiesReadThem() {
		assertThat(ForwardAuth.bearerToken("Bearer abc")).isEqualTo("abc");
		assertThat(ForwardAuth.bearerToken("bearer  abc ")).isEqualTo("abc");
		assertThat(ForwardAuth.bearerToken("Basic dXNlcjpwdw==")).isNull();
		assertThat(ForwardAuth.bearerToken(null)).isNull();
	}

}
