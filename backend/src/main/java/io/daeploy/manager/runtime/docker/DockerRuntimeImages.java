package io.daeploy.manager.runtime.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.LoadResponseItem;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.transport.DockerHttpClient;
import io.daeploy.manager.runtime.LogLine;
import io.daeploy.manager.runtime.RuntimeFailure;
import io.daeploy.manager.runtime.RuntimeFailure.Kind;
import io.daeploy.manager.runtime.RuntimeImages;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_DEPLOYMENT;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_INSTANCE;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_NAME;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_TYPE;
import static io.daeploy.manager.runtime.docker.DockerMappings.LABEL_VERSION;

/**
 * {@link RuntimeImages} over the Docker Engine API through docker-java. Short calls run
 * on the connector's bounded scheduler with the shared client; calls that may take long
 * (builds, loads, copies, waits) use the client without a response timeout. Build
 * containers and the images committed from them carry {@code daeploy.type=build}, the
 * service's name and version, the deployment and the instance.
 */
class DockerRuntimeImages implements RuntimeImages, AutoCloseable {

	static final String TYPE_BUILD = "build";

	private static final Log logger = LogFactory.getLog(DockerRuntimeImages.class);

	private static final long PULL_TIMEOUT_MINUTES = 30;

	private final DockerClient client;

	private final DockerClient streamClient;

	private final DockerHttpClient logClient;

	private final Scheduler scheduler;

	private final Scheduler logScheduler;

	private final String instance;

	DockerRuntimeImages(DockerClient client, DockerClient streamClient, DockerHttpClient logClient, Scheduler scheduler,
			Scheduler logScheduler, String instance) {
		this.client = client;
		this.streamClient = streamClient;
		this.logClient = logClient;
		this.scheduler = scheduler;
		this.logScheduler = logScheduler;
		this.instance = instance;
	}

	@Override
	public void close() throws IOException {
		this.streamClient.close();
		this.logClient.close();
	}

	@Override
	public String imageName(String name, String version) {
		if (DockerRuntimeConnector.DEFAULT_INSTANCE.equals(this.instance)) {
			return name + ":" + version;
		}
		// repository names are lower case, their separators single
		String scope = this.instance.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
		return "daeploy-" + scope + "-" + name + ":" + version;
	}

	@Override
	public Mono<ImageInfo> inspect(String reference) {
		return call(() -> info(this.client.inspectImageCmd(reference).exec()))
			.onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.empty());
	}

	@Override
	public Mono<Void> pull(String reference) {
		return call(() -> {
			String[] parts = split(reference);
			try {
				this.streamClient.pullImageCmd(parts[0])
					.withTag(parts[1])
					.exec(new ResultCallback.Adapter<PullResponseItem>())
					.awaitCompletion(PULL_TIMEOUT_MINUTES, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (RuntimeException ex) {
				throw new RuntimeFailure(Kind.IMAGE_NOT_FOUND,
						"Image '" + reference + "' could not be pulled: " + DockerMappings.message(ex), ex);
			}
			if (this.client.listImagesCmd().withImageNameFilter(reference).exec().isEmpty()) {
				throw new RuntimeFailure(Kind.IMAGE_NOT_FOUND, "Image '" + reference + "' could not be pulled", null);
			}
			return true;
		}).then();
	}

	@Override
	public Flux<LogLine> build(Path context, String tag, Map<String, String> buildArgs, Map<String, String> labels) {
		Map<String, String> all = new LinkedHashMap<>(labels);
		return Flux.<LogLine>create((sink) -> {
			InputStream tar;
			try {
				tar = Files.newInputStream(context);
			}
			catch (IOException ex) {
				sink.error(ex);
				return;
			}
			BuildImageCmd build = this.streamClient.buildImageCmd(tar)
				.withTags(Set.of(tag))
				.withPull(false)
				.withRemove(true)
				.withForcerm(true)
				.withLabels(all);
			buildArgs.forEach(build::withBuildArg);
			ResultCallback.Adapter<BuildResponseItem> callback = build.exec(new Lines<>(sink) {

				@Override
				public void onNext(BuildResponseItem item) {
					if (item.getErrorDetail() != null || item.getError() != null) {
						String message = (item.getErrorDetail() != null) ? item.getErrorDetail().getMessage()
								: item.getError();
						fail(new RuntimeFailure(Kind.REFUSED, "The image build failed: " + message, null));
						return;
					}
					text(item.getStream());
				}

			});
			sink.onDispose(() -> {
				close(callback);
				close(tar);
			});
		}).subscribeOn(this.scheduler).onErrorMap(DockerMappings::translate);
	}

	@Override
	public Mono<List<String>> load(Path tarball) {
		return call(() -> {
			List<String> loaded = new ArrayList<>();
			List<String> errors = new ArrayList<>();
			try (InputStream in = Files.newInputStream(tarball)) {
				this.streamClient.loadImageAsyncCmd(in).exec(new ResultCallback.Adapter<LoadResponseItem>() {

					@Override
					public void onNext(LoadResponseItem item) {
						if (item.getErrorDetail() != null || item.getError() != null) {
							errors.add((item.getErrorDetail() != null) ? item.getErrorDetail().getMessage()
									: item.getError());
						}
						String stream = item.getStream();
						if (stream != null) {
							for (String line : stream.split("\n")) {
								if (line.startsWith("Loaded image: ")) {
									loaded.add(line.substring("Loaded image: ".length()).trim());
								}
								else if (line.startsWith("Loaded image ID: ")) {
									loaded.add(line.substring("Loaded image ID: ".length()).trim());
								}
							}
						}
					}

				}).awaitCompletion();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (RuntimeException ex) {
				throw new RuntimeFailure(Kind.REFUSED, "The image could not be loaded: " + DockerMappings.message(ex),
						ex);
			}
			if (!errors.isEmpty() || loaded.isEmpty()) {
				throw new RuntimeFailure(Kind.REFUSED, "The image could not be loaded: "
						+ (errors.isEmpty() ? "the tarball holds no image" : String.join("; ", errors)), null);
			}
			return List.copyOf(loaded);
		});
	}

	@Override
	public Mono<String> createBuildContainer(BuildContainerSpec spec) {
		return call(() -> {
			Map<String, String> labels = new LinkedHashMap<>();
			labels.put(LABEL_TYPE, TYPE_BUILD);
			labels.put(LABEL_NAME, spec.name());
			labels.put(LABEL_VERSION, spec.version());
			labels.put(LABEL_INSTANCE, this.instance);
			labels.put(LABEL_DEPLOYMENT, spec.deploymentId());
			HostConfig host = HostConfig.newHostConfig()
				.withLogConfig(
						new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "20m", "max-file", "1")));
			try {
				return this.client.createContainerCmd(spec.image())
					.withName(buildContainerName(spec.deploymentId()))
					.withLabels(labels)
					.withEnv(spec.env().entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue()).toList())
					.withCmd(spec.command())
					.withHostConfig(host)
					.exec()
					.getId();
			}
			catch (NotFoundException ex) {
				throw new RuntimeFailure(Kind.IMAGE_NOT_FOUND,
						"Image '" + spec.image() + "' is not on the Docker engine", ex);
			}
		});
	}

	private String buildContainerName(String deploymentId) {
		return DockerRuntimeConnector.DEFAULT_INSTANCE.equals(this.instance) ? "daeploy-build-" + deploymentId
				: "daeploy-" + this.instance + "-build-" + deploymentId;
	}

	@Override
	public Mono<Void> copyInto(String containerId, String directory, Path tar) {
		return call(() -> {
			try (InputStream in = Files.newInputStream(tar)) {
				this.streamClient.copyArchiveToContainerCmd(containerId)
					.withRemotePath(directory)
					.withTarInputStream(in)
					.exec();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return true;
		}).then();
	}

	@Override
	public Flux<LogLine> startAndFollow(String containerId) {
		return call(() -> {
			this.client.startContainerCmd(containerId).exec();
			return true;
		}).thenMany(Flux.defer(() -> DockerLogStream.lines(() -> openLog(containerId), null, this.logScheduler)
			.onErrorMap(DockerMappings::translate)));
	}

	private DockerLogStream.Body openLog(String containerId) {
		DockerHttpClient.Response response = this.logClient.execute(DockerHttpClient.Request.builder()
			.method(DockerHttpClient.Request.Method.GET)
			.path("/containers/" + containerId + "/logs?stdout=1&stderr=1&timestamps=1&follow=1&tail=all")
			.build());
		if (response.getStatusCode() != 200) {
			int status = response.getStatusCode();
			response.close();
			throw (status == 404) ? new DockerMappings.NotFound("No such container " + containerId, null)
					: new RuntimeFailure(Kind.REFUSED, "The Docker engine answered " + status + " to a log request",
							null);
		}
		return new DockerLogBody(response, () -> {
		});
	}

	@Override
	public Mono<Integer> awaitExit(String containerId) {
		return call(() -> this.streamClient.waitContainerCmd(containerId).start().awaitStatusCode());
	}

	@Override
	public Mono<String> commit(String containerId, String image, List<String> command) {
		return call(() -> {
			String[] parts = split(image);
			return this.client.commitCmd(containerId)
				.withRepository(parts[0])
				.withTag(parts[1])
				.withCmd(command.toArray(String[]::new))
				.withPause(false)
				.exec();
		});
	}

	@Override
	public Mono<Boolean> removeContainer(String containerId) {
		// a removal already under way (a cancel's) answers 409: ask again until it is
		// gone
		return call(() -> {
			this.client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
			return true;
		}).retryWhen(Retry.fixedDelay(100, Duration.ofMillis(100))
			.filter((ex) -> ex instanceof RuntimeFailure failure && failure.kind() == Kind.CONFLICT))
			.onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.just(false));
	}

	@Override
	public Mono<Boolean> removeImage(String reference) {
		return call(() -> {
			try {
				this.client.removeImageCmd(reference).withForce(false).exec();
				return true;
			}
			catch (ConflictException ex) {
				logger.debug("Image " + reference + " is in use; kept");
				return false;
			}
		}).onErrorResume(DockerMappings.NotFound.class, (ex) -> Mono.just(false));
	}

	@Override
	public Flux<ImageInfo> builtImages(String name) {
		Map<String, String> filter = new LinkedHashMap<>();
		filter.put(LABEL_TYPE, TYPE_BUILD);
		filter.put(LABEL_INSTANCE, this.instance);
		if (name != null) {
			filter.put(LABEL_NAME, name);
		}
		// a list tells creation to the second; an inspection to the nanosecond
		return call(() -> this.client.listImagesCmd().withLabelFilter(filter).exec().stream().map((image) -> {
			try {
				return info(this.client.inspectImageCmd(image.getId()).exec(), image);
			}
			catch (NotFoundException ex) {
				return null;
			}
		}).filter(java.util.Objects::nonNull).sorted(Comparator.comparing(ImageInfo::createdAt).reversed()).toList())
			.flatMapIterable((images) -> images);
	}

	@Override
	public Flux<String> buildContainers() {
		return call(() -> this.client.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of(LABEL_TYPE, TYPE_BUILD, LABEL_INSTANCE, this.instance))
			.exec()).flatMapIterable((containers) -> containers.stream().map(Container::getId).toList());
	}

	private static ImageInfo info(InspectImageResponse image) {
		Map<String, String> labels = (image.getConfig() != null && image.getConfig().getLabels() != null)
				? image.getConfig().getLabels() : Map.of();
		String user = (image.getConfig() != null && image.getConfig().getUser() != null) ? image.getConfig().getUser()
				: "";
		Instant created = DockerMappings.instant(image.getCreated());
		List<String> tags = (image.getRepoTags() != null)
				? image.getRepoTags().stream().filter((tag) -> !"<none>:<none>".equals(tag)).toList() : List.of();
		return new ImageInfo(image.getId(), tags, Map.copyOf(labels), user,
				(created != null) ? created : Instant.EPOCH);
	}

	private static ImageInfo info(InspectImageResponse inspection, Image image) {
		ImageInfo info = info(inspection);
		if (info.createdAt().equals(Instant.EPOCH) && image.getCreated() != null) {
			return new ImageInfo(info.id(), info.tags(), info.labels(), info.user(),
					Instant.ofEpochSecond(image.getCreated()));
		}
		return info;
	}

	/**
	 * A reference's repository and tag ({@code latest} when it has none).
	 */
	static String[] split(String reference) {
		int slash = reference.lastIndexOf('/');
		int colon = reference.lastIndexOf(':');
		if (colon > slash && !reference.contains("@")) {
			return new String[] { reference.substring(0, colon), reference.substring(colon + 1) };
		}
		return new String[] { reference, "latest" };
	}

	private <T> Mono<T> call(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(this.scheduler).onErrorMap(DockerMappings::translate);
	}

	private static void close(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			logger.debug("Closing failed", ex);
		}
	}

	/**
	 * A callback that turns an engine stream's text into lines of a sink.
	 */
	private abstract static class Lines<T> extends ResultCallback.Adapter<T> {

		private final FluxSink<LogLine> sink;

		private final StringBuilder pending = new StringBuilder();

		Lines(FluxSink<LogLine> sink) {
			this.sink = sink;
		}

		void text(String text) {
			if (text == null) {
				return;
			}
			this.pending.append(text);
			int newline;
			while ((newline = this.pending.indexOf("\n")) >= 0) {
				String line = this.pending.substring(0, newline);
				this.pending.delete(0, newline + 1);
				if (!line.isBlank()) {
					this.sink.next(new LogLine(Instant.now(), LogLine.Stream.STDOUT, line, null));
				}
			}
		}

		void fail(Throwable ex) {
			this.sink.error(ex);
		}

		@Override
		public void onError(Throwable throwable) {
			this.sink.error(throwable);
		}

		@Override
		public void onComplete() {
			if (!this.pending.isEmpty()) {
				this.sink.next(new LogLine(Instant.now(), LogLine.Stream.STDOUT, this.pending.toString(), null));
			}
			this.sink.complete();
		}

	}

}
