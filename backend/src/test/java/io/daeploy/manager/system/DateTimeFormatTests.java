package io.daeploy.manager.system;

import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code DateTime} scalar writes exactly what {@link Instant#toString()} writes,
 * without a {@code DateTimeFormatter}: clients parse and compare these strings.
 */
class DateTimeFormatTests {

	@Test
	void writesWhatInstantToStringWrites() {
		SplittableRandom random = new SplittableRandom(7);
		for (int i = 0; i < 50_000; i++) {
			long seconds = random.nextLong(0, 253402300800L);
			// every kind of fraction: none, milli, micro and nano precision
			int nanos = switch (i % 4) {
				case 0 -> 0;
				case 1 -> random.nextInt(1000) * 1_000_000;
				case 2 -> random.nextInt(1_000_000) * 1000;
				default -> random.nextInt(1_000_000_000);
			};
			Instant instant = Instant.ofEpochSecond(seconds, nanos);
			assertThat(DateTimeScalar.format(instant)).isEqualTo(instant.toString());
		}
	}

	@Test
	void theEdgesOfTheFastPathAndBeyond() {
		for (Instant instant : new Instant[] { Instant.EPOCH, Instant.ofEpochSecond(0, 1),
				Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
				Instant.parse("1969-12-31T23:59:59.5Z"), Instant.parse("2024-02-29T12:00:00.010Z"), Instant.MIN,
				Instant.MAX }) {
			assertThat(DateTimeScalar.format(instant)).isEqualTo(instant.toString());
		}
	}

}
