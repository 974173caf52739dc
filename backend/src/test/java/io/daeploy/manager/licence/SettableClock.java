package io.daeploy.manager.licence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock moved by an offset a test sets: time still passes (timeouts work), but
 * a test can jump days ahead instead of waiting for them.
 */
final class SettableClock extends Clock {

	private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

	void set(Duration offset) {
		this.offset.set(offset);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("UTC only");
	}

	@Override
	public Instant instant() {
		return Instant.now().plus(this.offset.get());
	}

}
