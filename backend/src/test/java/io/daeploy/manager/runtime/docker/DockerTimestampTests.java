package io.daeploy.manager.runtime.docker;

import java.time.Instant;
import java.util.SplittableRandom;

import io.daeploy.manager.runtime.LogLine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker's log timestamps read by position give the instant {@link Instant#parse} gives,
 * for every fraction length Docker writes (it drops trailing zeros); any other form is
 * left to {@code Instant.parse}, so what a line's time is does not change.
 */
class DockerTimestampTests {

	@Test
	void readsWhatInstantParseReads() {
		SplittableRandom random = new SplittableRandom(13);
		for (int i = 0; i < 20_000; i++) {
			Instant instant = Instant.ofEpochSecond(random.nextLong(0, 253402300799L), random.nextInt(1_000_000_000));
			String full = instant.toString();
			// Docker's RFC3339Nano: the fraction without trailing zeros, none when zero
			String docker = full.contains(".") ? full.replaceAll("0+Z$", "Z").replace(".Z", "Z") : full;
			assertThat(DockerLogStream.timestamp(docker + " text", docker.length())).as(docker)
				.isEqualTo(Instant.parse(docker));
		}
		assertThat(DockerLogStream.timestamp("2026-12-01T10:00:00Z x", 20))
			.isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
		assertThat(DockerLogStream.timestamp("2024-02-29T23:59:59.999999999Z x", 30))
			.isEqualTo(Instant.parse("2024-02-29T23:59:59.999999999Z"));
	}

	@Test
	void leavesOtherFormsToInstantParse() {
		for (String text : new String[] { "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-01T24:00:00Z",
				"2026-12-01T10:60:00Z", "2026-12-01T10:00:60Z", "2026-12-01t10:00:00z", "2026-12-01T10:00:00+01:00",
				"2026-12-01T10:00:00.Z", "2026-12-01T10:00:00.1234567890Z", "2026-12-01T10:00:0xZ",
				"+2026-12-01T10:00Z", "2026-12-01 10:00:00Z" }) {
			assertThat(DockerLogStream.timestamp(text + " x", text.length())).as(text).isNull();
		}
	}

	@Test
	void aLineKeepsItsTimeWhetherReadByPositionOrByInstantParse() {
		// by position
		assertThat(DockerLogStream.parse("2026-12-01T10:00:01.5Z hello", LogLine.Stream.STDOUT).timestamp())
			.isEqualTo(Instant.parse("2026-12-01T10:00:01.5Z"));
		// a form only Instant.parse reads
		assertThat(DockerLogStream.parse("2026-12-01T11:00:01+01:00 hello", LogLine.Stream.STDOUT).timestamp())
			.isEqualTo(Instant.parse("2026-12-01T10:00:01Z"));
		// no timestamp: the whole entry is the text
		assertThat(DockerLogStream.parse("2026-13-01T10:00:00Z hello", LogLine.Stream.STDOUT).line())
			.isEqualTo("2026-13-01T10:00:00Z hello");
	}

}
