package io.daeploy.manager.proxy.traefik;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.daeploy.manager.proxy.RouteTable;
import io.daeploy.manager.proxy.RouteTable.Backend;
import io.daeploy.manager.proxy.TrafficStats;
import io.daeploy.manager.proxy.TrafficStats.VersionTraffic;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traefik's JSON access log read into traffic figures: real lines as Traefik v3 writes
 * them, appended to a real file piece by piece.
 */
class TraefikAccessLogTests {

	private static final RouteTable TABLE = RouteTable
		.of(List.of(new Backend("model", "1.0.0", true, "http://127.0.0.1:49153"),
				new Backend("model", "2.0.0", false, "http://127.0.0.1:49154")));

	@TempDir
	Path directory;

	private Path file;

	private final TrafficStats stats = new TrafficStats();

	private TraefikAccessLog accessLog;

	@BeforeEach
	void createLog() {
		this.file = this.directory.resolve("access.log");
	}

	@AfterEach
	void stopLog() {
		if (this.accessLog != null) {
			this.accessLog.stop();
		}
	}

	@Test
	void startsAtTheEndAndCountsVersionAndMainRoutes() throws IOException {
		append(entry("model_1.0.0@file", "/services/model_1.0.0/", 200, 1_000_000) + "\n");
		TraefikAccessLog log = started(Duration.ofHours(1));

		append(entry("model_1.0.0@file", "/services/model_1.0.0/predict", 200, 2_500_000) + "\n"
				+ entry("model@file", "/services/model/predict", 500, 40_000_000) + "\n"
				+ entry("model_2.0.0@file", "/services/model_2.0.0/predict", 200, 3_000_000) + "\n"
				+ entry("manager@file", "/graphql", 200, 900_000) + "\n"
				+ entry("other_0.1.0@file", "/services/other_0.1.0/", 200, 900_000) + "\n");
		log.poll();

		VersionTraffic main = this.stats.snapshot("model_1.0.0");
		assertThat(main.requests()).as("the line written before start is skipped").isEqualTo(2);
		assertThat(main.serverErrors()).isEqualTo(1);
		assertThat(main.mirrored()).isZero();
		assertThat(main.p50Ms()).isNotNull();
		assertThat(main.p99Ms()).isNotNull().isGreaterThanOrEqualTo(39.0);
		assertThat(main.lastRequestAt()).isNotNull();
		VersionTraffic shadow = this.stats.snapshot("model_2.0.0");
		assertThat(shadow.requests()).isEqualTo(1);
		assertThat(shadow.p50Ms()).isNotNull().isBetween(2.9, 3.1);
		assertThat(this.stats.snapshot("manager").requests()).isZero();
		assertThat(this.stats.snapshot("other_0.1.0").requests()).isZero();
	}

	@Test
	void aPartialLineWaitsForItsNewlineAndMalformedLinesAreSkipped() throws IOException {
		TraefikAccessLog log = started(Duration.ofHours(1));
		String line = entry("model_2.0.0@file", "/services/model_2.0.0/", 503, 5_000_000);
		append("{\"RouterName\":\"model_2.0.0@file\",\"DownstreamSta\n" + "not json at all\n"
				+ "{\"RouterName\":\"model_2.0.0@file\",\"DownstreamStatus\":\"200\",\"Duration\":1}\n" + "\n"
				+ line.substring(0, 40));
		log.poll();
		assertThat(this.stats.snapshot("model_2.0.0").requests()).isZero();

		append(line.substring(40));
		log.poll();
		assertThat(this.stats.snapshot("model_2.0.0").requests()).isZero();

		append("\n" + entry("model_2.0.0@file", "/services/model_2.0.0/", 200, 1_000_000) + "\n");
		log.poll();
		VersionTraffic shadow = this.stats.snapshot("model_2.0.0");
		assertThat(shadow.requests()).isEqualTo(2);
		assertThat(shadow.serverErrors()).isEqualTo(1);
		assertThat(shadow.p90Ms()).isNotNull();
	}

	@Test
	void aTruncatedOrRotatedFileIsReadFromItsStart() throws IOException {
		append(entry("model_1.0.0@file", "/services/model_1.0.0/", 200, 1_000_000) + "\n"
				+ entry("model_1.0.0@file", "/services/model_1.0.0/", 200, 1_000_000) + "\n");
		TraefikAccessLog log = started(Duration.ofHours(1));

		Files.writeString(this.file, entry("model_1.0.0@file", "/services/model_1.0.0/", 502, 1_000_000) + "\n",
				StandardOpenOption.TRUNCATE_EXISTING);
		log.poll();
		assertThat(this.stats.snapshot("model_1.0.0").requests()).isEqualTo(1);
		assertThat(this.stats.snapshot("model_1.0.0").serverErrors()).isEqualTo(1);

		append(entry("model_1.0.0@file", "/services/model_1.0.0/", 200, 1_000_000) + "\n");
		Files.move(this.file, this.directory.resolve("access.log.1"));
		append(entry("model@file", "/services/model/", 200, 1_000_000) + "\n"
				+ entry("model@file", "/services/model/", 200, 1_000_000) + "\n");
		log.poll();
		assertThat(this.stats.snapshot("model_1.0.0").requests())
			.as("the rest of the rotated file, then the new file whole")
			.isEqualTo(4);
	}

	@Test
	void mainRouteRequestsFollowTheCurrentMainVersion() throws IOException {
		TraefikAccessLog log = started(Duration.ofHours(1));
		log.route(RouteTable.of(List.of(new Backend("model", "1.0.0", false, "http://127.0.0.1:49153"),
				new Backend("model", "2.0.0", true, "http://127.0.0.1:49154"))));
		append(entry("model@file", "/services/model/", 200, 1_000_000) + "\n");
		log.poll();
		assertThat(this.stats.snapshot("model_2.0.0").requests()).isEqualTo(1);
		assertThat(this.stats.snapshot("model_1.0.0").requests()).isZero();

		log.route(RouteTable.of(List.of(new Backend("model", "1.0.0", false, "http://127.0.0.1:49153"))));
		append(entry("model@file", "/services/model/", 200, 1_000_000) + "\n");
		log.poll();
		assertThat(this.stats.snapshot("model_1.0.0").requests()).as("no main version: not counted").isZero();
	}

	@Test
	void pollsByItselfAndPicksUpAFileThatAppearsLater() throws Exception {
		started(Duration.ofMillis(20));
		append(entry("model_1.0.0@file", "/services/model_1.0.0/", 200, 1_000_000) + "\n");
		awaitTrue(() -> this.stats.snapshot("model_1.0.0").requests() == 1);
		append(entry("model@file", "/services/model/", 200, 1_000_000) + "\n");
		awaitTrue(() -> this.stats.snapshot("model_1.0.0").requests() == 2);
	}

	private TraefikAccessLog started(Duration interval) {
		this.accessLog = new TraefikAccessLog(this.file, this.stats, interval);
		this.accessLog.route(TABLE);
		this.accessLog.start();
		return this.accessLog;
	}

	private void append(String text) throws IOException {
		Files.writeString(this.file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
	}

	/** One access log entry with the fields Traefik v3 writes in JSON format. */
	private static String entry(String router, String path, int status, long nanos) {
		String service = router.startsWith("model@") ? "model-mirror@file" : router;
		return """
				{"ClientAddr":"127.0.0.1:53422","ClientHost":"127.0.0.1","ClientPort":"53422","ClientUsername":"-",\
				"DownstreamContentSize":13,"DownstreamStatus":%d,"Duration":%d,"OriginContentSize":13,\
				"OriginDuration":%d,"OriginStatus":%d,"Overhead":120000,"RequestAddr":"localhost:5080",\
				"RequestContentSize":0,"RequestCount":7,"RequestHost":"localhost","RequestMethod":"GET",\
				"RequestPath":"%s","RequestPort":"5080","RequestProtocol":"HTTP/1.1","RequestScheme":"http",\
				"RetryAttempts":0,"RouterName":"%s","ServiceAddr":"127.0.0.1:49153","ServiceName":"%s",\
				"ServiceURL":"http://127.0.0.1:49153","StartLocal":"2026-11-02T10:15:30.123456789Z",\
				"StartUTC":"2026-11-02T10:15:30.123456789Z","entryPointName":"web","level":"info","msg":"",\
				"time":"2026-11-02T10:15:30Z"}""".formatted(status, nanos, Math.max(0, nanos - 120000), status, path,
				router, service);
	}

	private static void awaitTrue(BooleanSupplier condition) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(4))
			.pollInterval(Duration.ofMillis(20))
			.until(condition::getAsBoolean);
	}

}
