package io.daeploy.manager.logs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.daeploy.manager.runtime.LogLine;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log page holds the newest lines that fit its byte budget, whatever their number and
 * size.
 */
class LogPageTests {

	@Test
	void aPageKeepsTheNewestLinesWithinItsBudget() {
		Flux<LogLine> lines = Flux.range(0, 1000).map((i) -> line(i + ":" + "x".repeat(1000)));
		List<LogLine> page = LogService.newest(lines, 100_000).block(Duration.ofSeconds(10));
		assertThat(page).isNotEmpty().hasSizeLessThan(60);
		assertThat(page.get(page.size() - 1).line()).startsWith("999:");
		// oldest first, contiguous
		int first = Integer.parseInt(page.get(0).line().substring(0, page.get(0).line().indexOf(':')));
		assertThat(page).extracting((line) -> line.line().substring(0, line.line().indexOf(':')))
			.containsExactlyElementsOf(
					java.util.stream.IntStream.range(first, 1000).mapToObj(String::valueOf).toList());
	}

	@Test
	void smallPagesAreWhole() {
		List<LogLine> page = LogService.newest(Flux.just(line("a"), line("b")), 100_000).block(Duration.ofSeconds(10));
		assertThat(page).extracting(LogLine::line).containsExactly("a", "b");
	}

	private static LogLine line(String text) {
		return new LogLine(Instant.EPOCH, LogLine.Stream.STDOUT, text, null);
	}

}
