package io.daeploy.manager.notification;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.daeploy.manager.notification.Notification.Severity;
import io.daeploy.r2dbc.sqlite.SqliteConnectionConfiguration;
import io.daeploy.r2dbc.sqlite.SqliteConnectionFactory;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counting and the e-mail freeze window, proven on the store alone: a real SQLite file
 * with the manager's migrations, no manager around it.
 */
class NotificationStoreTests {

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	@TempDir
	Path directory;

	private NotificationStore store;

	@BeforeEach
	void migrate() {
		Path file = this.directory.resolve("daeploy.db");
		Flyway.configure()
			.dataSource("jdbc:sqlite:" + file, null, null)
			.locations("classpath:db/migration")
			.load()
			.migrate();
		DatabaseClient db = DatabaseClient
			.create(new SqliteConnectionFactory(SqliteConnectionConfiguration.builder().path(file.toString()).build()));
		this.store = new NotificationStore(db, JsonMapper.shared());
	}

	@Test
	void aRepeatCountsUpTheSameNotification() {
		Notification raise = notification("drift", List.of(), 0);
		String key = NotificationService.dedupeKey(raise);
		Notification first = this.store.raise(key, raise, NOW).block().notification();
		Notification second = this.store.raise(key, raise, NOW.plusSeconds(5)).block().notification();
		assertThat(second.id()).isEqualTo(first.id());
		assertThat(second.counter()).isEqualTo(2);
		assertThat(second.firstRaisedAt()).isEqualTo(NOW);
		assertThat(second.lastRaisedAt()).isEqualTo(NOW.plusSeconds(5));
	}

	@Test
	void whatDiffersInAnyPartIsAnotherNotification() {
		Notification raise = notification("drift", List.of(), 0);
		Notification other = new Notification(0, "model", "1.0.0", "drift", Severity.CRITICAL, true, List.of(), 0, 0,
				null, null, null);
		assertThat(NotificationService.dedupeKey(other)).isNotEqualTo(NotificationService.dedupeKey(raise));
		long a = this.store.raise(NotificationService.dedupeKey(raise), raise, NOW).block().notification().id();
		long b = this.store.raise(NotificationService.dedupeKey(other), other, NOW).block().notification().id();
		assertThat(a).isNotEqualTo(b);
	}

	@Test
	void concurrentRaisesLoseNoCount() {
		Notification raise = notification("burst", List.of(), 0);
		String key = NotificationService.dedupeKey(raise);
		Flux.range(0, 20)
			.flatMap((i) -> this.store.raise(key, raise, NOW.plusMillis(i)).subscribeOn(Schedulers.parallel()))
			.blockLast(Duration.ofSeconds(30));
		assertThat(this.store.raise(key, raise, NOW.plusSeconds(1)).block().notification().counter()).isEqualTo(21);
	}

	@Test
	void anEmailIsDueOncePerFreezeWindow() {
		Notification raise = notification("down", List.of("ops@example.com"), 600);
		String key = NotificationService.dedupeKey(raise);
		assertThat(this.store.raise(key, raise, NOW).block().emailDue()).isTrue();
		assertThat(this.store.raise(key, raise, NOW.plusSeconds(300)).block().emailDue()).isFalse();
		assertThat(this.store.raise(key, raise, NOW.plusSeconds(601)).block().emailDue()).isTrue();
		assertThat(this.store.raise(key, raise, NOW.plusSeconds(700)).block().emailDue()).isFalse();
	}

	@Test
	void withoutRecipientsNothingIsEverDue() {
		Notification raise = notification("quiet", List.of(), 0);
		String key = NotificationService.dedupeKey(raise);
		assertThat(this.store.raise(key, raise, NOW).block().emailDue()).isFalse();
	}

	private static Notification notification(String message, List<String> emails, int timer) {
		return new Notification(0, "model", "1.0.0", message, Severity.WARNING, true, emails, timer, 0, null, null,
				null);
	}

}
