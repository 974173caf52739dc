package io.daeploy.manager.system;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import graphql.ExecutionResult;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;

/**
 * Runs a live-only subscription once for all who ask the same: the same document,
 * operation and variables, by the same principal with the same authorities, on the same
 * host. Each event is then executed once and its result handed to every such subscriber,
 * instead of once per subscriber: 200 dashboards following {@code notifications} cost one
 * GraphQL execution per raise, not 200, and none of graphql-java's per-execution state is
 * held per subscriber. A subscriber that falls more than {@value #SUBSCRIBER_BUFFER}
 * events behind loses the oldest (as before); it never slows the others.
 * <p>
 * Only subscriptions that start with nothing but what happens next are shared
 * ({@link #SHAREABLE}): one that first replays history (logs, a deployment's events) must
 * run for each subscriber. The principal is part of the key, so a shared stream never
 * shows one caller what another's own execution would not; and since the key holds the
 * authorities the first subscriber was authorized with, a joiner is one whose own
 * execution would have been authorized alike. The stream ends when its last subscriber
 * leaves.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class SharedSubscriptions implements WebGraphQlInterceptor {

	/**
	 * The subscription fields whose streams carry only what happens after subscribing.
	 */
	static final Set<String> SHAREABLE = Set.of("notifications", "serviceEvents");

	/** Events a subscriber may fall behind by before it loses the oldest. */
	static final int SUBSCRIBER_BUFFER = 256;

	/** Distinct shared subscriptions at most; each costs one execution per event. */
	static final int MAX_STREAMS = 1024;

	private final Map<Key, Stream> streams = new ConcurrentHashMap<>();

	SharedSubscriptions(MeterRegistry registry) {
		Gauge.builder("daeploy.graphql.subscription.streams", this.streams, Map::size)
			.description("Executions behind the open GraphQL subscriptions: one per distinct shared subscription")
			.register(registry);
	}

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		if (!shareable(request.getDocument(), request.getOperationName())) {
			return chain.next(request);
		}
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((authentication) -> {
				Key key = Key.of(request, authentication.orElse(null));
				Stream running = this.streams.get(key);
				if (running != null && running.open()) {
					return Mono.just(running.response());
				}
				return keptAfterAnswer(chain.next(request).map((response) -> share(key, response)));
			});
	}

	/**
	 * The answer of the execution that becomes shared, shielded from its own subscriber's
	 * leaving. Spring cancels a subscription's execution (graphql-java's
	 * {@code ExecutionInput.cancel()}, on cancel of the answer's {@code Mono}) when that
	 * subscriber's socket closes, even after the answer came; every later event of the
	 * execution then fails. For a shared execution that would end the stream of everyone
	 * who joined it because its first subscriber closed a tab. A cancel before the answer
	 * still cancels the execution; after it, the stream ends with its last subscriber
	 * ({@link Stream#left()}).
	 */
	private static Mono<WebGraphQlResponse> keptAfterAnswer(Mono<WebGraphQlResponse> answer) {
		return Mono.create((sink) -> {
			AtomicBoolean answered = new AtomicBoolean();
			Disposable execution = answer.contextWrite(sink.contextView()).subscribe((response) -> {
				answered.set(true);
				sink.success(response);
			}, sink::error, sink::success);
			sink.onCancel(() -> {
				if (!answered.get()) {
					execution.dispose();
				}
			});
		});
	}

	private WebGraphQlResponse share(Key key, WebGraphQlResponse response) {
		if (!response.getErrors().isEmpty()
				|| !(response.getExecutionResult().getData() instanceof Publisher<?> events)) {
			return response;
		}
		@SuppressWarnings("unchecked")
		Stream stream = new Stream(key, response, (Publisher<ExecutionResult>) events);
		if (this.streams.size() >= MAX_STREAMS) {
			// distinct subscriptions past the cap run on their own, as unshared ones do
			return response;
		}
		Stream raced = this.streams.putIfAbsent(key, stream);
		if (raced != null) {
			if (raced.open()) {
				return raced.response();
			}
			this.streams.replace(key, raced, stream);
		}
		return stream.response();
	}

	/**
	 * How many executions run behind the open subscriptions.
	 * @return the count
	 */
	int streams() {
		return this.streams.size();
	}

	/**
	 * Whether a document is one subscription operation whose fields are all shareable.
	 */
	static boolean shareable(String document, String operationName) {
		if (document == null || !document.contains("subscription")) {
			return false;
		}
		Document parsed;
		try {
			parsed = Parser.parse(document);
		}
		catch (InvalidSyntaxException ex) {
			return false;
		}
		List<OperationDefinition> operations = parsed.getDefinitionsOfType(OperationDefinition.class);
		if (parsed.getDefinitions().size() != operations.size()) {
			// fragments: not worth following, the stream is simply not shared
			return false;
		}
		List<OperationDefinition> chosen = operations.stream()
			.filter((operation) -> operationName == null || operationName.equals(operation.getName()))
			.toList();
		if (chosen.size() != 1 || chosen.get(0).getOperation() != OperationDefinition.Operation.SUBSCRIPTION) {
			return false;
		}
		List<Selection> selections = chosen.get(0).getSelectionSet().getSelections();
		return !selections.isEmpty() && selections.stream()
			.allMatch((selection) -> selection instanceof Field field && SHAREABLE.contains(field.getName()));
	}

	/**
	 * What makes two subscriptions the same.
	 */
	record Key(String document, String operationName, Map<String, Object> variables, String principal,
			Set<String> authorities, String host) {

		static Key of(WebGraphQlRequest request, Authentication authentication) {
			String principal = (authentication != null) ? authentication.getName() : null;
			Set<String> authorities = new TreeSet<>();
			if (authentication != null) {
				for (GrantedAuthority authority : authentication.getAuthorities()) {
					authorities.add(authority.getAuthority());
				}
			}
			String host = request.getUri().getHost() + ":" + request.getUri().getPort() + "|"
					+ Objects.toString(request.getHeaders().getFirst("X-Forwarded-Host"), "") + "|"
					+ Objects.toString(request.getHeaders().getFirst("X-Forwarded-Proto"), "");
			return new Key(request.getDocument(), request.getOperationName(),
					java.util.Collections.unmodifiableMap(new java.util.HashMap<>(request.getVariables())), principal,
					Set.copyOf(authorities), host);
		}

	}

	/**
	 * One execution and the subscribers it serves. It subscribes to the execution's
	 * events when its first subscriber comes and cancels when its last one leaves; one
	 * who joined just then (past {@link #open()}, not yet subscribed) starts it again.
	 */
	private final class Stream {

		private final Key key;

		private final WebGraphQlResponse template;

		private final Publisher<ExecutionResult> events;

		private final Sinks.Many<ExecutionResult> fanOut = Sinks.many().multicast().directBestEffort();

		private int subscribers;

		private boolean closed;

		private Disposable upstream;

		Stream(Key key, WebGraphQlResponse template, Publisher<ExecutionResult> events) {
			this.key = key;
			this.template = template;
			this.events = events;
		}

		synchronized boolean open() {
			return !this.closed;
		}

		WebGraphQlResponse response() {
			Flux<ExecutionResult> mine = this.fanOut.asFlux().onBackpressureBuffer(SUBSCRIBER_BUFFER, (dropped) -> {
			}, BufferOverflowStrategy.DROP_OLDEST)
				.doOnSubscribe((subscription) -> joined())
				.doFinally((signal) -> left());
			return this.template.transform((builder) -> builder.data(mine));
		}

		private void joined() {
			synchronized (this) {
				this.subscribers++;
				if (this.upstream != null) {
					return;
				}
				this.closed = false;
				this.upstream = Flux.from(this.events).subscribe(this::emit, this::fail, this::complete);
			}
			SharedSubscriptions.this.streams.putIfAbsent(this.key, this);
		}

		private void left() {
			Disposable running;
			synchronized (this) {
				this.subscribers--;
				if (this.subscribers > 0) {
					return;
				}
				this.closed = true;
				running = this.upstream;
				this.upstream = null;
			}
			SharedSubscriptions.this.streams.remove(this.key, this);
			if (running != null) {
				running.dispose();
			}
		}

		private void emit(ExecutionResult result) {
			synchronized (this.fanOut) {
				this.fanOut.tryEmitNext(result);
			}
		}

		private void fail(Throwable ex) {
			ended();
			synchronized (this.fanOut) {
				this.fanOut.tryEmitError(ex);
			}
		}

		private void complete() {
			ended();
			synchronized (this.fanOut) {
				this.fanOut.tryEmitComplete();
			}
		}

		private void ended() {
			synchronized (this) {
				this.closed = true;
			}
			SharedSubscriptions.this.streams.remove(this.key, this);
		}

	}

}
