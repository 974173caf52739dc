package io.daeploy.manager.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.runtime.RuntimeImages;
import io.daeploy.manager.runtime.RuntimeImages.ImageInfo;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Makes sure a build's builder image is on the engine: present, else pulled, else, for
 * the configured default builder, built by the manager from its own Python builder
 * ({@code builders/python}, shipped in the jar) on {@code DAEPLOY_S2I_PYTHON_BASE}. That
 * build is reported in the log of every deployment waiting for it, and runs once however
 * many wait.
 */
@Component
class BuilderImages {

	private static final Log logger = LogFactory.getLog(BuilderImages.class);

	/**
	 * The Python builder's files, as shipped in the jar under {@code builders/python}.
	 */
	static final List<String> PYTHON_BUILDER = List.of("Dockerfile", "s2i/bin/assemble", "s2i/bin/run",
			"s2i/bin/usage");

	private final RuntimeImages images;

	private final DaeployProperties.S2i settings;

	private Flux<LogLine> bootstrapping;

	BuilderImages(RuntimeImages images, DaeployProperties properties) {
		this.images = images;
		this.settings = properties.s2i();
	}

	/**
	 * The default builder.
	 * @return its image reference
	 */
	String defaultBuilder() {
		return this.settings.builder();
	}

	/**
	 * Finds, pulls or builds a builder image.
	 * @param builder the builder image
	 * @param log the build's log
	 * @param cancel the build's cancellation; a wait for the Python builder is abandoned
	 * (its build goes on for others)
	 * @return the builder's facts; {@code BUILDER_NOT_FOUND} when it cannot be had
	 */
	Mono<ImageInfo> ensure(String builder, BuildLog log, Cancellation cancel) {
		return this.images.inspect(builder).switchIfEmpty(Mono.defer(() -> {
			log.info("Builder image " + builder + " is not on the Docker engine; pulling it");
			return this.images.pull(builder).then(this.images.inspect(builder)).onErrorResume((ex) -> {
				if (!builder.equals(this.settings.builder())) {
					return Mono.error(new DaeployException(ErrorCode.BUILDER_NOT_FOUND, "Builder image " + builder
							+ " is not on the Docker engine and could not be pulled: " + message(ex)));
				}
				log.info("Could not pull " + builder + " (" + message(ex) + "); building the Daeploy Python builder as "
						+ builder + " on " + this.settings.pythonBase());
				return bootstrap().doOnNext(log::line)
					.then(this.images.inspect(builder))
					.takeUntilOther(cancel.whenCancelled());
			});
		}))
			.switchIfEmpty(Mono.defer(() -> cancel.isCancelled() ? Mono.empty()
					: Mono.error(new DaeployException(ErrorCode.BUILDER_NOT_FOUND,
							"Builder image " + builder + " is not on the Docker engine"))));
	}

	/**
	 * The build of the Python builder: the one under way, or a new one.
	 */
	private synchronized Flux<LogLine> bootstrap() {
		if (this.bootstrapping == null) {
			String base = this.settings.pythonBase();
			Flux<LogLine> build = this.images.inspect(base)
				.switchIfEmpty(Mono.defer(() -> this.images.pull(base).then(this.images.inspect(base))))
				.onErrorMap(RuntimeFailure.class, (ex) -> baseMissing(base, ex))
				.switchIfEmpty(Mono.error(() -> baseMissing(base, null)))
				.then(Mono.fromCallable(BuilderImages::context).subscribeOn(Schedulers.boundedElastic()))
				.flatMapMany((context) -> this.images
					.build(context, this.settings.builder(), Map.of("BASE", base), Map.of("daeploy.type", "builder"))
					.doFinally((signal) -> delete(context)))
				.onErrorMap(RuntimeFailure.class,
						(ex) -> new DaeployException(ErrorCode.BUILDER_NOT_FOUND,
								"The Daeploy Python builder could not be built: " + ex.getMessage()))
				.doOnComplete(() -> logger
					.info("Built the Daeploy Python builder " + this.settings.builder() + " on " + base))
				.doFinally((signal) -> finished());
			this.bootstrapping = build.replay().autoConnect();
		}
		return this.bootstrapping;
	}

	private synchronized void finished() {
		this.bootstrapping = null;
	}

	private DaeployException baseMissing(String base, Throwable cause) {
		return new DaeployException(ErrorCode.BUILDER_NOT_FOUND,
				"Builder image " + this.settings.builder() + " is not on the Docker engine, and its base " + base
						+ " is not there either and could not be pulled"
						+ ((cause != null) ? " (" + message(cause) + ")" : "")
						+ "; load one of them into the engine (docker load) or set DAEPLOY_S2I_PYTHON_BASE");
	}

	/**
	 * The Python builder's build context, from the jar.
	 */
	static Path context() throws IOException {
		Path file = Files.createTempFile("daeploy-python-builder-", ".tar");
		try (OutputStream raw = Files.newOutputStream(file);
				TarArchiveOutputStream tar = new TarArchiveOutputStream(raw)) {
			for (String name : PYTHON_BUILDER) {
				byte[] bytes;
				try (InputStream in = BuilderImages.class.getResourceAsStream("/builders/python/" + name)) {
					if (in == null) {
						throw new IOException("The manager's jar lacks builders/python/" + name);
					}
					bytes = in.readAllBytes();
				}
				TarArchiveEntry entry = new TarArchiveEntry(name);
				entry.setSize(bytes.length);
				entry.setMode(name.startsWith("s2i/bin/") ? 0100755 : 0100644);
				tar.putArchiveEntry(entry);
				tar.write(bytes);
				tar.closeArchiveEntry();
			}
			tar.finish();
		}
		return file;
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.debug("Could not delete " + file, ex);
		}
	}

	private static String message(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

}
