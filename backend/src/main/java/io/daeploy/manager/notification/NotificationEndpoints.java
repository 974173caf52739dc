package io.daeploy.manager.notification;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.daeploy.manager.notification.Notification.Severity;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The original manager's {@code /notifications/} REST endpoints, for services whose SDK
 * calls {@code notify()}: {@code POST} raises (as the service whose token it carries),
 * {@code GET} lists, {@code DELETE} clears. Records use the original's snake_case fields.
 */
@Configuration(proxyBeanMethods = false)
class NotificationEndpoints {

	static final String[] PATHS = { "/notifications", "/notifications/" };

	/**
	 * Python's {@code str(datetime.utcnow())}, which the SDK sends as {@code timestamp}.
	 */
	private static final DateTimeFormatter PYTHON_TIME = DateTimeFormatter
		.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private final NotificationService notifications;

	private final JsonMapper json;

	NotificationEndpoints(NotificationService notifications, JsonMapper json) {
		this.notifications = notifications;
		this.json = json;
	}

	@Bean
	RouterFunction<ServerResponse> notificationRoutes() {
		RouterFunctions.Builder routes = RouterFunctions.route();
		for (String path : PATHS) {
			routes.POST(path, this::raise).GET(path, this::list).DELETE(path, this::clear);
		}
		return routes.build();
	}

	Mono<ServerResponse> raise(ServerRequest request) {
		return request.bodyToMono(String.class).defaultIfEmpty("").flatMap((body) -> {
			NotificationService.Raise raise;
			try {
				raise = parse(body);
			}
			catch (Unprocessable ex) {
				return unprocessable(ex.field, ex.getMessage(), ex.type);
			}
			return this.notifications.raise(raise)
				.flatMap((notification) -> ServerResponse.ok()
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(this.json.writeValueAsString(record(notification, true))))
				.onErrorResume(DaeployException.class, this::failed);
		})
			.onErrorResume(DataBufferLimitException.class,
					(ex) -> ServerResponse.status(HttpStatus.CONTENT_TOO_LARGE)
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue("{\"detail\":\"The body is too large\",\"code\":\""
								+ ErrorCode.REQUEST_TOO_LARGE.name() + "\"}"));
	}

	Mono<ServerResponse> list(ServerRequest request) {
		return this.notifications.all()
			.collect(LinkedHashMap<String, Object>::new,
					(all, notification) -> all.put(Long.toString(notification.id()), record(notification, false)))
			.flatMap((all) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(this.json.writeValueAsString(all)));
	}

	Mono<ServerResponse> clear(ServerRequest request) {
		// the original answers `null`
		return this.notifications.clear(null)
			.then(ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue("null"));
	}

	/**
	 * The original SDK's body: {@code service_name}, {@code service_version},
	 * {@code msg}, {@code severity} (0, 1, 2; anything else is INFO), {@code dashboard},
	 * {@code emails}, {@code timer} (negative means 0) and {@code timestamp} (ignored:
	 * the manager's clock counts). Unknown fields are ignored.
	 */
	private NotificationService.Raise parse(String body) {
		JsonNode root;
		try {
			root = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new Unprocessable(null, "Expecting a JSON object: " + ex.getOriginalMessage(),
					"value_error.jsondecode");
		}
		if (root == null || !root.isObject()) {
			throw new Unprocessable(null, "Expecting a JSON object", "type_error.dict");
		}
		String message = text(root, "msg", true);
		JsonNode severity = root.path("severity");
		JsonNode dashboard = root.path("dashboard");
		if (!dashboard.isMissingNode() && !dashboard.isNull() && !dashboard.isBoolean()) {
			throw new Unprocessable("dashboard", "value could not be parsed to a boolean", "type_error.bool");
		}
		JsonNode timer = root.path("timer");
		if (!timer.isMissingNode() && !timer.isNull() && !(timer.isIntegralNumber() && timer.canConvertToInt())) {
			throw new Unprocessable("timer", "value is not a valid integer", "type_error.integer");
		}
		JsonNode emails = root.path("emails");
		List<String> recipients = null;
		if (!emails.isMissingNode() && !emails.isNull()) {
			if (!emails.isArray()) {
				throw new Unprocessable("emails", "value is not a valid list", "type_error.list");
			}
			recipients = new ArrayList<>();
			for (JsonNode email : emails.values()) {
				if (!email.isString()) {
					throw new Unprocessable("emails", "str type expected", "type_error.str");
				}
				recipients.add(email.stringValue());
			}
		}
		return new NotificationService.Raise(message,
				(severity.isIntegralNumber() && severity.canConvertToInt()) ? Severity.of(severity.asInt())
						: Severity.INFO,
				text(root, "service_name", false), text(root, "service_version", false),
				dashboard.isBoolean() ? dashboard.booleanValue() : Boolean.TRUE, recipients,
				(timer.isIntegralNumber() && timer.canConvertToInt()) ? Math.max(0, timer.asInt()) : 0);
	}

	private static String text(JsonNode root, String field, boolean required) {
		JsonNode value = root.path(field);
		if (value.isMissingNode() || value.isNull()) {
			if (required) {
				throw new Unprocessable(field, "field required", "value_error.missing");
			}
			return null;
		}
		if (value.isString()) {
			return value.stringValue();
		}
		if (value.isNumber() || value.isBoolean()) {
			// pydantic coerced these to strings
			return value.asString();
		}
		throw new Unprocessable(field, "str type expected", "type_error.str");
	}

	private Mono<ServerResponse> failed(DaeployException ex) {
		HttpStatus status = switch (ex.code()) {
			case INVALID_INPUT -> HttpStatus.UNPROCESSABLE_CONTENT;
			case FORBIDDEN -> HttpStatus.FORBIDDEN;
			case NOTIFICATION_NOT_FOUND -> HttpStatus.NOT_FOUND;
			default -> HttpStatus.INTERNAL_SERVER_ERROR;
		};
		if (status == HttpStatus.UNPROCESSABLE_CONTENT) {
			return unprocessable(restField(ex.field()), ex.getMessage(), "value_error");
		}
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(this.json.writeValueAsString(Map.of("detail", ex.getMessage(), "code", ex.code().name())));
	}

	/**
	 * FastAPI's validation answer, {@code {"detail": [{"loc", "msg", "type"}]}}, which
	 * the original SDK reads, with our {@code code} beside it.
	 */
	private Mono<ServerResponse> unprocessable(String field, String message, String type) {
		List<Object> location = (field != null) ? List.of("body", field) : List.of("body");
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("loc", location);
		error.put("msg", message);
		error.put("type", type);
		return ServerResponse.status(HttpStatus.UNPROCESSABLE_CONTENT)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(this.json
				.writeValueAsString(Map.of("detail", List.of(error), "code", ErrorCode.INVALID_INPUT.name())));
	}

	/**
	 * The original's name of an input field, e.g. {@code msg} for {@code message}.
	 */
	private static String restField(String field) {
		if (field == null) {
			return null;
		}
		return switch (field) {
			case "message" -> "msg";
			case "serviceName" -> "service_name";
			case "serviceVersion" -> "service_version";
			default -> field;
		};
	}

	/**
	 * A notification as the original's records: the request's fields plus
	 * {@code counter}, and {@code frozen_until} when it has a timer.
	 */
	private static Map<String, Object> record(Notification notification, boolean withId) {
		Map<String, Object> record = new LinkedHashMap<>();
		if (withId) {
			record.put("id", Long.toString(notification.id()));
		}
		record.put("service_name", notification.serviceName());
		record.put("service_version", notification.serviceVersion());
		record.put("msg", notification.message());
		record.put("severity", notification.severity().ordinal());
		record.put("dashboard", notification.dashboard());
		record.put("emails", notification.emails().isEmpty() ? null : notification.emails());
		record.put("timer", notification.timer());
		record.put("timestamp", PYTHON_TIME.format(notification.lastRaisedAt()));
		record.put("counter", notification.counter());
		if (notification.timer() != 0) {
			record.put("frozen_until", (notification.frozenUntil() != null)
					? PYTHON_TIME.format(notification.frozenUntil()).replace(' ', 'T') : null);
		}
		return record;
	}

	private static final class Unprocessable extends RuntimeException {

		final String field;

		final String type;

		Unprocessable(String field, String message, String type) {
			super(message, null, false, false);
			this.field = field;
			this.type = type;
		}

	}

}
