package io.daeploy.manager.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Online snapshots of the SQLite store. {@code VACUUM INTO} writes a consistent copy of
 * the database as one read transaction sees it, so writes go on meanwhile and the copy is
 * a database of its own (no WAL to go with it). Snapshots go to
 * {@code <DAEPLOY_DATA_DIR>/backups/}, owner-only, every {@code DAEPLOY_BACKUP_INTERVAL}
 * (none when zero) and on demand; the newest {@code DAEPLOY_BACKUP_KEEP} are kept. To
 * restore, stop the manager, put a snapshot in place of {@code daeploy.db} (removing
 * {@code daeploy.db-wal} and {@code daeploy.db-shm}) and start it: it reconciles the
 * containers with the store as at every start.
 */
@Service
public class BackupService {

	private static final Log logger = LogFactory.getLog(BackupService.class);

	private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
		.withZone(ZoneOffset.UTC);

	private final DatabaseClient db;

	private final Path directory;

	private final Duration interval;

	private final int keep;

	private final Clock clock;

	private final AtomicBoolean running = new AtomicBoolean();

	private Disposable schedule;

	BackupService(DatabaseClient db, DaeployProperties properties, Clock clock) {
		this.db = db;
		this.directory = properties.dataDir().toAbsolutePath().normalize().resolve("backups");
		this.interval = properties.backup().interval();
		this.keep = Math.max(1, properties.backup().keep());
		this.clock = clock;
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		if (this.interval.isZero() || this.interval.isNegative()) {
			return;
		}
		this.schedule = Flux.interval(this.interval)
			.onBackpressureDrop()
			.concatMap((tick) -> backup().onErrorResume((ex) -> {
				logger.warn("Scheduled backup failed: " + ex.getMessage());
				return Mono.empty();
			}))
			.subscribe();
		logger.info("Backing up the store every " + this.interval + " to " + this.directory + " (keeping " + this.keep
				+ ")");
	}

	@PreDestroy
	void stop() {
		if (this.schedule != null) {
			this.schedule.dispose();
		}
	}

	/**
	 * Takes a snapshot now.
	 * @return the snapshot
	 */
	@PreAuthorize("hasRole('ADMIN')")
	public Mono<Backup> backupNow() {
		return backup();
	}

	/**
	 * The snapshots kept, newest first.
	 * @return the snapshots
	 */
	@PreAuthorize("hasRole('ADMIN')")
	public Mono<List<Backup>> backups() {
		return Mono.fromCallable(this::list).subscribeOn(Schedulers.boundedElastic());
	}

	Mono<Backup> backup() {
		return Mono.defer(() -> {
			if (!this.running.compareAndSet(false, true)) {
				return Mono.error(new DaeployException(ErrorCode.TOO_MANY, "A backup is being taken now; try again"));
			}
			Instant at = this.clock.instant();
			Path file = this.directory.resolve("daeploy-" + NAME.format(at) + ".db");
			return Mono.fromCallable(() -> {
				Files.createDirectories(this.directory,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
				return file;
			})
				.subscribeOn(Schedulers.boundedElastic())
				// the path is ours (no quote in it); SQLite takes no bind parameter here
				.flatMap((target) -> this.db.sql("VACUUM INTO '" + target.toString().replace("'", "''") + "'").then())
				.then(Mono.fromCallable(() -> {
					Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
					prune();
					Backup backup = new Backup(file.getFileName().toString(), file.toString(), Files.size(file), at);
					logger.info("Backed up the store to " + file + " (" + backup.bytes() + " bytes)");
					return backup;
				}).subscribeOn(Schedulers.boundedElastic()))
				.doFinally((signal) -> this.running.set(false));
		});
	}

	private void prune() throws IOException {
		List<Backup> all = list();
		for (Backup old : all.subList(Math.min(this.keep, all.size()), all.size())) {
			Files.deleteIfExists(Path.of(old.path()));
		}
	}

	private List<Backup> list() throws IOException {
		if (!Files.isDirectory(this.directory)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.filter((file) -> file.getFileName().toString().matches("daeploy-\\d{8}-\\d{6}-\\d{3}\\.db"))
				.map((file) -> {
					try {
						return new Backup(file.getFileName().toString(), file.toString(), Files.size(file),
								Files.getLastModifiedTime(file).toInstant());
					}
					catch (IOException ex) {
						return null;
					}
				})
				.filter(java.util.Objects::nonNull)
				.sorted(Comparator.comparing(Backup::name).reversed())
				.toList();
		}
	}

	/**
	 * One snapshot.
	 *
	 * @param name the file's name
	 * @param path its absolute path on the manager's host
	 * @param bytes its size
	 * @param takenAt when it was taken
	 */
	public record Backup(String name, String path, long bytes, Instant takenAt) {
	}

}
