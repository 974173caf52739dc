package io.daeploy.manager.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.runtime.RuntimeImages;
import io.daeploy.manager.runtime.RuntimeImages.ImageInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Service;

/**
 * Source-to-Image builds, implemented on the runtime port (no {@code s2i} binary). A
 * builder image provides {@code assemble} and {@code run} at the path its
 * {@code io.openshift.s2i.scripts-url} label names ({@code image:///usr/libexec/s2i} when
 * unlabelled). The source goes to {@code <destination>/src} ({@code /tmp/src}) in a
 * container of the builder, {@code assemble} runs there with {@code STI_SCRIPTS_PATH}
 * set, and the container is committed as the service's image, whose command is the
 * {@code run} script. The source's {@code .s2i/environment} sets variables for the build
 * and the service; its {@code .s2i/bin/assemble} and {@code .s2i/bin/run} replace the
 * builder's (they go to {@code <destination>/scripts}, as in S2I).
 */
@Service
public class S2iBuilds {

	static final String SCRIPTS_URL = "io.openshift.s2i.scripts-url";

	static final String SCRIPTS_URL_NEW = "io.s2i.scripts-url";

	static final String DESTINATION = "io.openshift.s2i.destination";

	static final String DEFAULT_SCRIPTS = "image:///usr/libexec/s2i";

	private static final Log logger = LogFactory.getLog(S2iBuilds.class);

	private final RuntimeImages images;

	private final BuilderImages builders;

	private final long maxSourceBytes;

	private final long maxPickleBytes;

	S2iBuilds(RuntimeImages images, BuilderImages builders, DaeployProperties properties) {
		this.images = images;
		this.builders = builders;
		this.maxSourceBytes = properties.maxUploadMb() * 1024L * 1024L;
		this.maxPickleBytes = properties.maxPickleMb() * 1024L * 1024L;
	}

	/**
	 * The builder a deploy uses when it names none.
	 * @return the builder image
	 */
	public String defaultBuilder() {
		return this.builders.defaultBuilder();
	}

	/**
	 * Builds a service version's image from its source. The build container is removed
	 * whatever happens; on failure no image is left.
	 * @param request what to build
	 * @param log the build's log
	 * @param cancel the build's cancellation
	 * @return the built image; {@code INVALID_SOURCE}, {@code BUILDER_NOT_FOUND} or
	 * {@code BUILD_FAILED} when it fails, {@link Cancellation.Cancelled} when cancelled
	 */
	public Mono<Built> build(Request request, BuildLog log, Cancellation cancel) {
		String builder = (request.builderImage() != null) ? request.builderImage() : defaultBuilder();
		return cancel.checkpoint()
			.then(this.builders.ensure(builder, log, cancel))
			.switchIfEmpty(cancel.checkpoint().then(Mono.empty()))
			.flatMap((info) -> cancel.checkpoint()
				.then(Mono.fromCallable(() -> prepare(request, log, cancel)).subscribeOn(Schedulers.boundedElastic()))
				.flatMap((tree) -> cancel.checkpoint().then(assemble(request, builder, info, tree, log, cancel))));
	}

	private SourceTree prepare(Request request, BuildLog log, Cancellation cancel) throws IOException {
		Path src = request.workDir().resolve("src");
		BuildSource source = request.source();
		if (source instanceof BuildSource.Git git) {
			GitCheckout.checkout(git, src, log, cancel);
			return new DirectoryTree(src, this.maxSourceBytes);
		}
		if (source instanceof BuildSource.Archive archive) {
			log.info("Checking the uploaded archive (" + Files.size(archive.file()) + " bytes)");
			return ArchiveTree.check(archive.file(), this.maxSourceBytes);
		}
		BuildSource.Pickle pickle = (BuildSource.Pickle) source;
		log.info("Rendering the pickle template with the model (" + Files.size(pickle.file()) + " bytes)"
				+ (pickle.requirements().isEmpty() ? "" : " and requirements " + pickle.requirements()));
		PickleTemplate.render(pickle, src, this.maxPickleBytes);
		return new DirectoryTree(src, this.maxSourceBytes);
	}

	private Mono<Built> assemble(Request request, String builder, ImageInfo info, SourceTree tree, BuildLog log,
			Cancellation cancel) {
		Layout layout = Layout.of(builder, info);
		Map<String, byte[]> scripts = new LinkedHashMap<>();
		for (String name : List.of("assemble", "run")) {
			byte[] script = tree.file(".s2i/bin/" + name);
			if (script != null) {
				scripts.put(name, script);
				log.info("Using the source's own " + name + " script (.s2i/bin/" + name + ")");
			}
		}
		Map<String, String> env = new LinkedHashMap<>(S2iEnvironment.parse(tree.file(".s2i/environment")));
		env.put("STI_SCRIPTS_PATH", layout.scripts());
		String assemble = scripts.containsKey("assemble") ? layout.destination() + "/scripts/assemble"
				: layout.scripts() + "/assemble";
		String run = scripts.containsKey("run") ? layout.destination() + "/scripts/run" : layout.scripts() + "/run";
		Path context = request.workDir().resolve("context.tar");
		Mono<Void> write = Mono.fromCallable(() -> {
			ContextTar.write(context, tree, scripts, ContextTar.Owner.of(info.user()));
			return true;
		}).subscribeOn(Schedulers.boundedElastic()).onErrorMap(UncheckedIOException.class, Throwable::getCause).then();
		RuntimeImages.BuildContainerSpec spec = new RuntimeImages.BuildContainerSpec(request.deploymentId(),
				request.name(), request.version(), builder, List.of(assemble), env);
		return write.then(cancel.checkpoint()).then(this.images.createBuildContainer(spec)).flatMap((id) -> {
			Runnable unhook = cancel.onCancel(() -> this.images.removeContainer(id)
				.subscribe(null, (ex) -> logger.debug("Could not remove build container " + id, ex)));
			log.info("Running " + assemble + " in a container of " + builder);
			return this.images.copyInto(id, layout.destination(), context)
				.then(cancel.checkpoint())
				.thenMany(this.images.startAndFollow(id)
					.onErrorMap(RuntimeFailure.class,
							(ex) -> cancel.isCancelled() ? ex
									: new DaeployException(ErrorCode.BUILD_FAILED,
											"The builder could not run " + assemble + ": " + ex.getMessage())))
				.doOnNext(log::line)
				.then(this.images.awaitExit(id))
				.onErrorResume((ex) -> cancel.isCancelled() ? Mono.just(-1) : Mono.error(ex))
				.flatMap((code) -> cancel.checkpoint().then(Mono.defer(() -> {
					if (code != 0) {
						return Mono.error(new DaeployException(ErrorCode.BUILD_FAILED,
								"assemble failed with exit code " + code + "; the build log says why"));
					}
					log.info("Committing the image " + request.image() + " (command " + run + ")");
					return this.images.commit(id, request.image(), List.of(run));
				})))
				.flatMap((imageId) -> this.images.removeContainer(id).thenReturn(new Built(request.image(), imageId)))
				.doFinally((signal) -> unhook.run())
				.onErrorResume((ex) -> this.images.removeContainer(id).onErrorComplete().then(Mono.error(ex)));
		})
			.onErrorMap(RuntimeFailure.class,
					(ex) -> (ex.kind() == RuntimeFailure.Kind.IMAGE_NOT_FOUND)
							? new DaeployException(ErrorCode.BUILDER_NOT_FOUND, ex.getMessage())
							: new DaeployException(ErrorCode.BUILD_FAILED, "The build failed: " + ex.getMessage()));
	}

	/**
	 * What to build.
	 *
	 * @param deploymentId the deployment the build is for (its containers carry it)
	 * @param name service name
	 * @param version service version
	 * @param image the image to commit, from {@link RuntimeImages#imageName}
	 * @param source the source
	 * @param builderImage the builder, or {@code null} for the default
	 * @param workDir a folder of the build's own, removed by the caller afterwards
	 */
	public record Request(String deploymentId, String name, String version, String image, BuildSource source,
			String builderImage, Path workDir) {
	}

	/**
	 * A built image.
	 *
	 * @param image its reference
	 * @param imageId its id
	 */
	public record Built(String image, String imageId) {
	}

	/**
	 * Where a builder keeps its scripts and wants the source.
	 *
	 * @param scripts the folder of {@code assemble} and {@code run}
	 * @param destination where {@code src/} and {@code scripts/} are put
	 */
	record Layout(String scripts, String destination) {

		static Layout of(String builder, ImageInfo info) {
			String url = info.labels()
				.getOrDefault(SCRIPTS_URL, info.labels().getOrDefault(SCRIPTS_URL_NEW, DEFAULT_SCRIPTS));
			if (!url.startsWith("image://") || url.length() <= "image://".length()) {
				throw new DaeployException(ErrorCode.BUILD_FAILED, "Builder " + builder + " names its scripts at " + url
						+ "; only scripts inside the image (image://...) are supported");
			}
			String scripts = url.substring("image://".length());
			String destination = info.labels().getOrDefault(DESTINATION, "/tmp");
			if (!scripts.startsWith("/") || !destination.startsWith("/")) {
				throw new DaeployException(ErrorCode.BUILD_FAILED,
						"Builder " + builder + " names relative script or destination paths");
			}
			return new Layout(strip(scripts), strip(destination));
		}

		private static String strip(String path) {
			return (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
		}

	}

}
