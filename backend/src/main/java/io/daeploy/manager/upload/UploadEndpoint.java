package io.daeploy.manager.upload;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code POST /uploads}: one multipart part named {@code file}, streamed to disk as it
 * arrives and cut off past {@code DAEPLOY_MAX_UPLOAD_MB}. Answers {@code {"id": "..."}}
 * for a deploy to refer to. Authenticated like GraphQL (bearer token or session); only
 * callers who may deploy may upload.
 */
@Configuration(proxyBeanMethods = false)
class UploadEndpoint {

	static final String PATH = "/uploads";

	private final Uploads uploads;

	UploadEndpoint(Uploads uploads) {
		this.uploads = uploads;
	}

	@Bean
	RouterFunction<ServerResponse> uploadRoutes() {
		return RouterFunctions.route().POST(PATH, this::upload).POST(PATH + "/", this::upload).build();
	}

	Mono<ServerResponse> upload(ServerRequest request) {
		if (!request.headers().contentType().map(MediaType.MULTIPART_FORM_DATA::isCompatibleWith).orElse(false)) {
			return failure(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ErrorCode.INVALID_INPUT,
					"Send multipart/form-data with one part named file");
		}
		return this.uploads.checkCaller().then(Mono.defer(() -> {
			AtomicBoolean seen = new AtomicBoolean();
			AtomicBoolean done = new AtomicBoolean();
			Flux<DataBuffer> file = request.bodyToFlux(PartEvent.class).concatMap((event) -> {
				if (event instanceof FilePartEvent && "file".equals(event.name())) {
					if (done.get()) {
						DataBufferUtils.release(event.content());
						return Mono.error(
								DaeployException.invalid(ErrorCode.INVALID_INPUT, "file", "Send one part named file"));
					}
					seen.set(true);
					if (event.isLast()) {
						done.set(true);
					}
					return Mono.just(event.content());
				}
				DataBufferUtils.release(event.content());
				return Mono.empty();
			});
			return this.uploads.receive(file).flatMap((upload) -> {
				if (!seen.get()) {
					return failure(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_INPUT,
							"Send one part named file (a file upload)");
				}
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("id", upload.id());
				body.put("size", upload.size());
				return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
			});
		}))
			.onErrorResume(DaeployException.class,
					(ex) -> failure((ex.code() == ErrorCode.UPLOAD_TOO_LARGE) ? HttpStatus.CONTENT_TOO_LARGE
							: HttpStatus.BAD_REQUEST, ex.code(), ex.getMessage()))
			.onErrorResume(AccessDeniedException.class,
					(ex) -> failure(HttpStatus.FORBIDDEN, ErrorCode.FORBIDDEN, "This caller may not upload"));
	}

	private static Mono<ServerResponse> failure(HttpStatus status, ErrorCode code, String message) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.header("Connection", "close")
			.bodyValue(Map.of("code", code.name(), "message", message));
	}

}
