package io.daeploy.manager.build;

import java.util.ArrayList;
import java.util.List;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.runtime.RuntimeImages;
import io.daeploy.manager.runtime.RuntimeImages.ImageInfo;
import io.daeploy.manager.runtime.ContainerStateCache;
import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Keeps built images in bounds: per service, the newest {@code DAEPLOY_IMAGE_RETENTION}
 * built images stay (so a previous version can be deployed again at once), older ones and
 * untagged ones (left behind by a rebuild of the same version) go. An image a container
 * still uses is never removed.
 */
@Component
public class ImageRetention {

	private static final Log logger = LogFactory.getLog(ImageRetention.class);

	private final RuntimeImages images;

	private final int keep;

	private final Disposable following;

	ImageRetention(RuntimeImages images, DaeployProperties properties, ContainerStateCache containers) {
		this.images = images;
		this.keep = Math.max(0, properties.imageRetention());
		// a killed version's image may now be one too many
		this.following = containers.changes()
			.filter((change) -> !change.all() && change.container() == null)
			.map(ContainerStateCache.ContainerChange::name)
			.subscribe((name) -> trim(name).subscribe(null,
					(ex) -> logger.warn("Could not trim the images of " + name + ": " + ex.getMessage())));
	}

	@PreDestroy
	void stop() {
		this.following.dispose();
	}

	/**
	 * Removes a service's built images beyond the retention.
	 * @param name the service
	 * @return how many were removed
	 */
	public Mono<Long> trim(String name) {
		return this.images.builtImages(name).collectList().flatMapMany((built) -> {
			List<ImageInfo> remove = new ArrayList<>();
			int tagged = 0;
			for (ImageInfo image : built) {
				if (image.tags().isEmpty() || ++tagged > this.keep) {
					remove.add(image);
				}
			}
			return Flux.fromIterable(remove)
				.concatMap((image) -> this.images.removeImage(image.id())
					.filter(Boolean::booleanValue)
					.doOnNext((removed) -> logger.info("Removed built image "
							+ (image.tags().isEmpty() ? image.id() : String.join(", ", image.tags())) + " of " + name
							+ " (retention " + this.keep + ")"))
					.onErrorResume((ex) -> {
						logger.warn("Could not remove built image " + image.id() + ": " + ex.getMessage());
						return Mono.empty();
					}));
		}).count();
	}

}
