package io.daeploy.manager.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Service;

/**
 * Issues, re-issues and revokes the manager's JWTs, keeping the store and the in-memory
 * {@link ActiveTokens} in step: the store first, then memory, so a revoked token is
 * refused as soon as the revocation is stored.
 */
@Service
public class TokenService implements SmartInitializingSingleton {

	static final String ROLE_CLAIM = "role";

	static final String KIND_CLAIM = "kind";

	static final Duration SESSION_LIFETIME = Duration.ofDays(7);

	private static final Duration LAST_USE_FLUSH = Duration.ofSeconds(60);

	private static final Log logger = LogFactory.getLog(TokenService.class);

	private final TokenStore store;

	private final ActiveTokens active;

	private final JwtEncoder encoder;

	private final Clock clock;

	private Disposable flushing;

	TokenService(TokenStore store, ActiveTokens active, JwtEncoder encoder, Clock clock) {
		this.store = store;
		this.active = active;
		this.encoder = encoder;
		this.clock = clock;
	}

	/**
	 * Loads the stored tokens into memory (after the migrations ran, before the server
	 * takes requests) and starts the periodic write-back of last-use times.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		Long purged = this.store.deleteExpired(now()).block();
		Long loaded = this.store.findAll().doOnNext(this.active::add).count().block();
		logger.info("Loaded " + loaded + " active tokens"
				+ ((purged != null && purged > 0) ? " (purged " + purged + " expired)" : ""));
		this.flushing = Flux.interval(LAST_USE_FLUSH).concatMap((tick) -> flushLastUse()).subscribe();
	}

	@PreDestroy
	void stop() {
		if (this.flushing != null) {
			this.flushing.dispose();
		}
		flushLastUse().block(Duration.ofSeconds(5));
	}

	/**
	 * A new login session for a user.
	 * @param userId the user's id
	 * @param username the user's name
	 * @param role the user's role
	 * @return the token and its record
	 */
	Mono<Issued> issueSession(long userId, String username, Role role) {
		Instant now = now();
		return issue(new IssuedToken(newId(), TokenKind.SESSION, userId, username, role, "session", now,
				now.plus(SESSION_LIFETIME), null));
	}

	/**
	 * A new API token for a user.
	 * @param userId the user's id
	 * @param username the user's name
	 * @param role the user's role, which the token carries
	 * @param name the token's label
	 * @param lifetime how long it is valid, or {@code null} for ever
	 * @return the token and its record
	 */
	Mono<Issued> issueApiToken(long userId, String username, Role role, String name, Duration lifetime) {
		Instant now = now();
		return issue(new IssuedToken(newId(), TokenKind.API, userId, username, role, name, now,
				(lifetime != null) ? now.plus(lifetime) : null, null));
	}

	/**
	 * A new token for a service version, which it receives in {@code daeploy.auth}.
	 * @param name service name
	 * @param version service version
	 * @return the token and its record
	 */
	public Mono<Issued> issueServiceToken(String name, String version) {
		return issueServiceToken(name, version, newId());
	}

	/**
	 * A new token for a service version with an id chosen beforehand, so that a job can
	 * record the id before the token exists and revoke it after a crash.
	 * @param name service name
	 * @param version service version
	 * @param id the token's id, from {@link #newTokenId()}
	 * @return the token and its record
	 */
	public Mono<Issued> issueServiceToken(String name, String version, String id) {
		return issue(new IssuedToken(id, TokenKind.SERVICE, null, name + ":" + version, Role.SERVICE,
				name + " " + version, now(), null, null));
	}

	/**
	 * A fresh token id.
	 * @return the id
	 */
	public static String newTokenId() {
		return newId();
	}

	/**
	 * The token string of an active token again, e.g. to re-create a lost service
	 * container with the token it had.
	 * @param id the token's id
	 * @return the token, or empty when it is not active
	 */
	public Mono<String> reissue(String id) {
		return Mono.fromSupplier(() -> this.active.find(id)).map(this::encode);
	}

	/**
	 * Revokes a token: it is refused from now on.
	 * @param id the token's id
	 * @return whether a token was revoked
	 */
	public Mono<Boolean> revoke(String id) {
		return this.store.delete(id).doOnNext((deleted) -> this.active.remove(id));
	}

	Mono<Void> revokeAllOf(long userId) {
		return this.store.deleteByUser(userId).doOnNext(this.active::remove).then();
	}

	Flux<IssuedToken> apiTokensOf(long userId) {
		return flushLastUse().thenMany(this.store.findByUserAndKind(userId, TokenKind.API))
			.filter((token) -> !token.isExpired(this.clock.instant()));
	}

	Mono<IssuedToken> find(String id) {
		return this.store.find(id);
	}

	IssuedToken active(String id) {
		return this.active.find(id);
	}

	private Mono<Issued> issue(IssuedToken token) {
		return this.store.insert(token).then(Mono.fromSupplier(() -> {
			this.active.add(token);
			return new Issued(encode(token), token);
		}));
	}

	private String encode(IssuedToken token) {
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.id(token.id())
			.subject(token.subject())
			.issuedAt(token.issuedAt())
			.claim(ROLE_CLAIM, token.role().name())
			.claim(KIND_CLAIM, token.kind().name());
		if (token.expiresAt() != null) {
			claims.expiresAt(token.expiresAt());
		}
		return this.encoder
			.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
			.getTokenValue();
	}

	private Mono<Void> flushLastUse() {
		Map<String, Instant> drained = this.active.drainLastUsed();
		return Flux.fromIterable(drained.entrySet())
			.concatMap((entry) -> this.store.touch(entry.getKey(), entry.getValue().truncatedTo(ChronoUnit.SECONDS)))
			.onErrorResume((ex) -> {
				logger.warn("Could not store token last-use times: " + ex.getMessage());
				return Mono.empty();
			})
			.then();
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
	}

	private static String newId() {
		return UUID.randomUUID().toString();
	}

	/**
	 * A freshly issued token.
	 *
	 * @param token the JWT; shown to its owner once
	 * @param record what is stored about it
	 */
	public record Issued(String token, IssuedToken record) {
	}

}
