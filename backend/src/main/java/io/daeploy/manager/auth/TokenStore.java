package io.daeploy.manager.auth;

import java.time.Instant;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code tokens} table: every issued token that can still be valid.
 */
@Repository
class TokenStore {

	private static final String COLUMNS = "id, kind, user_id, subject, role, name, issued_at, expires_at, last_used_at";

	private final DatabaseClient db;

	TokenStore(DatabaseClient db) {
		this.db = db;
	}

	Flux<IssuedToken> findAll() {
		return this.db.sql("SELECT " + COLUMNS + " FROM tokens").map(TokenStore::token).all();
	}

	Flux<IssuedToken> findByUserAndKind(long userId, TokenKind kind) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM tokens WHERE user_id = :user AND kind = :kind "
					+ "ORDER BY issued_at DESC, id")
			.bind("user", userId)
			.bind("kind", kind.name())
			.map(TokenStore::token)
			.all();
	}

	Mono<IssuedToken> find(String id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM tokens WHERE id = :id")
			.bind("id", id)
			.map(TokenStore::token)
			.one();
	}

	Mono<Void> insert(IssuedToken token) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO tokens (id, kind, user_id, subject, role, name, issued_at, expires_at) "
					+ "VALUES (:id, :kind, :user, :subject, :role, :name, :issuedAt, :expiresAt)")
			.bind("id", token.id())
			.bind("kind", token.kind().name())
			.bind("subject", token.subject())
			.bind("role", token.role().name())
			.bind("name", token.name())
			.bind("issuedAt", token.issuedAt().toString());
		spec = (token.userId() != null) ? spec.bind("user", token.userId()) : spec.bindNull("user", Long.class);
		spec = (token.expiresAt() != null) ? spec.bind("expiresAt", token.expiresAt().toString())
				: spec.bindNull("expiresAt", String.class);
		return spec.then();
	}

	Mono<Boolean> delete(String id) {
		return this.db.sql("DELETE FROM tokens WHERE id = :id")
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	Flux<String> deleteByUser(long userId) {
		return this.db.sql("DELETE FROM tokens WHERE user_id = :user RETURNING id")
			.bind("user", userId)
			.map((row) -> row.get("id", String.class))
			.all();
	}

	Mono<Long> deleteExpired(Instant now) {
		return this.db.sql("DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= :now")
			.bind("now", now.toString())
			.fetch()
			.rowsUpdated();
	}

	Mono<Void> touch(String id, Instant lastUsed) {
		return this.db.sql("UPDATE tokens SET last_used_at = :at WHERE id = :id")
			.bind("at", lastUsed.toString())
			.bind("id", id)
			.then();
	}

	private static IssuedToken token(Readable row) {
		String expires = row.get("expires_at", String.class);
		String lastUsed = row.get("last_used_at", String.class);
		return new IssuedToken(row.get("id", String.class), TokenKind.valueOf(row.get("kind", String.class)),
				row.get("user_id", Long.class), row.get("subject", String.class),
				Role.valueOf(row.get("role", String.class)), row.get("name", String.class),
				Instant.parse(row.get("issued_at", String.class)), (expires != null) ? Instant.parse(expires) : null,
				(lastUsed != null) ? Instant.parse(lastUsed) : null);
	}

}
