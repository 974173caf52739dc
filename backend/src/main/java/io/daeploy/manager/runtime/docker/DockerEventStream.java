package io.daeploy.manager.runtime.docker;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.EventsCmd;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.daeploy.manager.runtime.ContainerEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * The engine's event stream for one manager instance's containers, as a {@link Flux},
 * optionally replayed from a moment by the engine's clock. Events are few (a handful per
 * container life), so they are buffered rather than pulled; cancelling closes the
 * engine's stream.
 */
final class DockerEventStream {

	private static final Log logger = LogFactory.getLog(DockerEventStream.class);

	private DockerEventStream() {
	}

	static Flux<ContainerEvent> events(DockerClient client, String instance, Instant since, Scheduler scheduler) {
		return Flux.<ContainerEvent>create((sink) -> {
			ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {

				@Override
				public void onNext(Event event) {
					ContainerEvent mapped = map(event);
					if (mapped != null) {
						sink.next(mapped);
					}
				}

				@Override
				public void onError(Throwable throwable) {
					sink.error(DockerMappings.translate(throwable));
				}

				@Override
				public void onComplete() {
					sink.complete();
				}

			};
			try {
				EventsCmd command = client.eventsCmd()
					.withEventTypeFilter(EventType.CONTAINER)
					.withLabelFilter(
							Map.of(DockerMappings.LABEL_TYPE, "service", DockerMappings.LABEL_INSTANCE, instance));
				if (since != null) {
					// seconds.nanoseconds, as the engine takes it
					command.withSince(since.getEpochSecond() + "." + String.format("%09d", since.getNano()));
				}
				command.exec(callback);
			}
			catch (RuntimeException ex) {
				sink.error(DockerMappings.translate(ex));
				return;
			}
			sink.onDispose(() -> {
				try {
					callback.close();
				}
				catch (IOException ex) {
					logger.debug("Closing the Docker event stream failed", ex);
				}
			});
		}).subscribeOn(scheduler);
	}

	/**
	 * One engine event as the port's, or {@code null} when it is not about a service
	 * container.
	 */
	static ContainerEvent map(Event event) {
		Map<String, String> attributes = (event.getActor() != null && event.getActor().getAttributes() != null)
				? event.getActor().getAttributes() : Map.of();
		String action = (event.getAction() != null) ? event.getAction() : event.getStatus();
		String id = (event.getId() != null) ? event.getId()
				: (event.getActor() != null) ? event.getActor().getId() : null;
		String name = attributes.get(DockerMappings.LABEL_NAME);
		String version = attributes.get(DockerMappings.LABEL_VERSION);
		if (id == null || name == null || version == null || action == null) {
			return null;
		}
		// "exec_start: sh -c ..." and "health_status: healthy" carry details after a
		// colon
		int colon = action.indexOf(':');
		if (colon > 0) {
			action = action.substring(0, colon);
		}
		Instant time;
		if (event.getTimeNano() != null) {
			time = Instant.ofEpochSecond(0, event.getTimeNano());
		}
		else {
			time = (event.getTime() != null) ? Instant.ofEpochSecond(event.getTime()) : Instant.now();
		}
		return new ContainerEvent(id, name, version, action, DockerMappings.exitCode(attributes.get("exitCode")), time);
	}

}
