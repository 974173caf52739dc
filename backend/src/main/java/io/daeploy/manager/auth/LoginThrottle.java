package io.daeploy.manager.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins for one user name
 * from one address, further attempts of that pair are refused for a lockout that doubles
 * with each further failure (up to 15 minutes), even with the right password; an address
 * that fails {@value #ADDRESS_FACTOR} times as often, over any user names, is locked out
 * the same way. The user name alone never locks: nobody can keep {@code admin} out by
 * failing from elsewhere. Counters are forgotten 15 minutes after the last failure.
 */
class LoginThrottle {

	private static final Duration MAX_LOCKOUT = Duration.ofMinutes(15);

	/** The longest user name or address kept as it is in a counter's key. */
	static final int MAX_KEY_PART = 128;

	/** How many times more failures an address may have, over all user names. */
	static final int ADDRESS_FACTOR = 10;

	private final Cache<String, Failures> failures;

	private final int maxFailures;

	private final Duration lockout;

	private final Clock clock;

	LoginThrottle(int maxFailures, Duration lockout, Clock clock) {
		this.maxFailures = maxFailures;
		this.lockout = lockout;
		this.clock = clock;
		this.failures = Caffeine.newBuilder().expireAfterWrite(MAX_LOCKOUT).maximumSize(100_000).build();
	}

	/**
	 * How long the caller must wait before trying again.
	 * @param username the user name tried
	 * @param address the caller's address
	 * @return the wait, {@link Duration#ZERO} when they may try now
	 */
	Duration retryAfter(String username, String address) {
		Duration pair = wait(this.failures.getIfPresent(pair(username, address)), this.maxFailures);
		Duration addr = wait(this.failures.getIfPresent("addr:" + bounded(address)), this.maxFailures * ADDRESS_FACTOR);
		return (pair.compareTo(addr) >= 0) ? pair : addr;
	}

	void failed(String username, String address) {
		Instant now = this.clock.instant();
		for (String key : new String[] { pair(username, address), "addr:" + bounded(address) }) {
			this.failures.asMap().merge(key, new Failures(1, now), (old, one) -> new Failures(old.count() + 1, now));
		}
	}

	/**
	 * The counters' keys, for tests.
	 * @return the keys now
	 */
	java.util.Set<String> keys() {
		return java.util.Set.copyOf(this.failures.asMap().keySet());
	}

	void succeeded(String username, String address) {
		this.failures.invalidate(pair(username, address));
	}

	private static String pair(String username, String address) {
		return "pair:" + bounded(username) + "\n" + bounded(address);
	}

	/**
	 * A counter's key part: the text itself when short, else its SHA-256, so that a
	 * caller who signs in with huge made-up names cannot fill the memory with keys (up to
	 * {@code maximumSize} of them, each as long as a request body).
	 * @param text a user name or address as given
	 * @return at most {@value #MAX_KEY_PART} characters that identify it
	 */
	static String bounded(String text) {
		if (text == null || text.length() <= MAX_KEY_PART) {
			return String.valueOf(text);
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return "sha256:" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Duration wait(Failures failures, int allowed) {
		if (failures == null || failures.count() < allowed) {
			return Duration.ZERO;
		}
		int doublings = Math.min(failures.count() - allowed, 20);
		Duration lock = this.lockout.multipliedBy(1L << doublings);
		if (lock.compareTo(MAX_LOCKOUT) > 0) {
			lock = MAX_LOCKOUT;
		}
		Duration left = Duration.between(this.clock.instant(), failures.last().plus(lock));
		return left.isNegative() ? Duration.ZERO : left;
	}

	private record Failures(int count, Instant last) {
	}

}
