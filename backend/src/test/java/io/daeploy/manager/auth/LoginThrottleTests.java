package io.daeploy.manager.auth;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed sign-ins are counted under keys of bounded size, however long the user name or
 * address a caller makes up: the counters hold up to 100 000 keys, and a key that kept a
 * name as long as a request body (256 KiB) let an anonymous caller fill the manager's
 * heap (96 MiB in the image) with a few hundred failed logins. Long names are still
 * counted, each on its own.
 */
class LoginThrottleTests {

	private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(1), Clock.systemUTC());

	@Test
	void keysStayShortForHugeNamesAndAddresses() {
		for (int i = 0; i < 50; i++) {
			this.throttle.failed("n".repeat(200_000) + i, "a".repeat(5_000) + i);
		}
		assertThat(this.throttle.keys()).hasSize(100)
			.allSatisfy((key) -> assertThat(key.length()).isLessThanOrEqualTo(2 * LoginThrottle.MAX_KEY_PART + 16));
	}

	@Test
	void aHugeNameIsStillLockedOutOnItsOwn() {
		String huge = "n".repeat(200_000);
		for (int i = 0; i < 3; i++) {
			this.throttle.failed(huge, "203.0.113.7");
		}
		assertThat(this.throttle.retryAfter(huge, "203.0.113.7")).isPositive();
		assertThat(this.throttle.retryAfter(huge + "x", "203.0.113.7")).isZero();
		assertThat(this.throttle.retryAfter("admin", "203.0.113.7")).isZero();
	}

	@Test
	void shortNamesAreKeptAsTheyAre() {
		assertThat(LoginThrottle.bounded("admin")).isEqualTo("admin");
		assertThat(LoginThrottle.bounded("x".repeat(LoginThrottle.MAX_KEY_PART + 1))).startsWith("sha256:")
			.hasSize(7 + 64);
	}

}
