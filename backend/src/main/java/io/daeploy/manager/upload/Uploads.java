package io.daeploy.manager.upload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

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

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Uploaded files that deploys refer to by id: a source archive, a pickled model, a
 * {@code docker save} tarball. Each is written to {@code <DAEPLOY_DATA_DIR>/uploads} as
 * it streams in, never held in memory, and cut off as soon as it passes
 * {@code DAEPLOY_MAX_UPLOAD_MB}. An upload expires an hour after it was last used (made
 * or claimed by a deploy); a claim links the file into the deploy's own folder, so expiry
 * never pulls it from under a build.
 */
@Service
public class Uploads {

	/** How long an unused upload is kept. */
	public static final Duration EXPIRY = Duration.ofHours(1);

	private static final Log logger = LogFactory.getLog(Uploads.class);

	private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

	private static final String PARTIAL = ".part";

	private final Path directory;

	private final long maxBytes;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private final Disposable sweeping;

	Uploads(DaeployProperties properties, Clock clock) {
		this.directory = properties.dataDir().resolve("uploads").toAbsolutePath().normalize();
		this.maxBytes = properties.maxUploadMb() * 1024L * 1024L;
		this.clock = clock;
		try {
			Files.createDirectories(this.directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + this.directory, ex);
		}
		// what a crash left half written can never complete
		sweep(true);
		this.sweeping = Flux.interval(Duration.ofMinutes(1), Duration.ofMinutes(5), Schedulers.boundedElastic())
			.subscribe((tick) -> sweep(false));
	}

	@PreDestroy
	void stop() {
		this.sweeping.dispose();
	}

	/**
	 * Checks that the caller may upload.
	 * @return completion; refused for callers who may not deploy
	 */
	@PreAuthorize("hasAnyRole('ADMIN', 'USER')")
	public Mono<Void> checkCaller() {
		return Mono.empty();
	}

	/**
	 * Writes an upload as it streams in.
	 * @param content the file's bytes
	 * @return the stored upload; {@code UPLOAD_TOO_LARGE} as soon as it passes the limit
	 * (the rest is not read)
	 */
	Mono<Upload> receive(Flux<DataBuffer> content) {
		return Mono.defer(() -> {
			String id = newId();
			Path partial = this.directory.resolve(id + PARTIAL);
			AtomicLong size = new AtomicLong();
			Flux<DataBuffer> limited = content.handle((buffer, sink) -> {
				if (size.addAndGet(buffer.readableByteCount()) > this.maxBytes) {
					DataBufferUtils.release(buffer);
					sink.error(tooLarge());
					return;
				}
				sink.next(buffer);
			});
			return DataBufferUtils.write(limited, partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
				.then(Mono.fromCallable(() -> {
					Path file = this.directory.resolve(id);
					Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
					return new Upload(id, size.get());
				}).subscribeOn(Schedulers.boundedElastic()))
				.doOnError((ex) -> delete(partial))
				.doOnCancel(() -> delete(partial));
		});
	}

	/**
	 * The limit uploads are cut off at.
	 * @return bytes
	 */
	long maxBytes() {
		return this.maxBytes;
	}

	/**
	 * Checks that an upload exists, for a deploy that is about to claim it.
	 * @param id the upload's id
	 * @param field the input field that names it, for the error
	 * @throws DaeployException {@code UPLOAD_NOT_FOUND} when there is no such upload
	 */
	public void check(String id, String field) {
		if (id == null || !ID.matcher(id).matches() || !Files.isRegularFile(this.directory.resolve(id))) {
			throw DaeployException.invalid(ErrorCode.UPLOAD_NOT_FOUND, field,
					"No upload with this id (uploads expire an hour after their last use; upload again)");
		}
	}

	/**
	 * Claims an upload for a deploy: links (or copies) it to the deploy's own file and
	 * counts as a use.
	 * @param id the upload's id
	 * @param field the input field that names it, for the error
	 * @param target the deploy's file; must not exist
	 * @throws DaeployException {@code UPLOAD_NOT_FOUND} when there is no such upload
	 * @throws IOException when the file cannot be linked or copied
	 */
	public void claim(String id, String field, Path target) throws IOException {
		check(id, field);
		Path file = this.directory.resolve(id);
		try {
			Files.setLastModifiedTime(file, FileTime.from(this.clock.instant()));
			Files.createDirectories(target.getParent());
			try {
				Files.createLink(target, file);
			}
			catch (UnsupportedOperationException | IOException ex) {
				if (ex instanceof FileAlreadyExistsException) {
					throw (IOException) ex;
				}
				Files.copy(file, target);
			}
		}
		catch (NoSuchFileException ex) {
			throw DaeployException.invalid(ErrorCode.UPLOAD_NOT_FOUND, field, "The upload expired meanwhile");
		}
	}

	private void sweep(boolean partialsToo) {
		Instant expired = this.clock.instant().minus(EXPIRY);
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.directory)) {
			for (Path file : files) {
				boolean partial = file.getFileName().toString().endsWith(PARTIAL);
				if ((partial && partialsToo) || Files.getLastModifiedTime(file).toInstant().isBefore(expired)) {
					delete(file);
					if (!partial) {
						logger.info("Upload " + file.getFileName() + " expired");
					}
				}
			}
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Could not sweep expired uploads: " + ex.getMessage());
		}
	}

	private String newId() {
		byte[] bytes = new byte[16];
		this.random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	private DaeployException tooLarge() {
		return new DaeployException(ErrorCode.UPLOAD_TOO_LARGE,
				"The upload is larger than " + (this.maxBytes / (1024 * 1024)) + " MB (DAEPLOY_MAX_UPLOAD_MB)");
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.debug("Could not delete " + file, ex);
		}
	}

	/**
	 * A stored upload.
	 *
	 * @param id its id
	 * @param size its size in bytes
	 */
	record Upload(String id, long size) {
	}

}
