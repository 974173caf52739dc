package io.daeploy.manager.auth;

import java.time.Instant;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code users} table.
 */
@Repository
class UserStore {

	private final DatabaseClient db;

	UserStore(DatabaseClient db) {
		this.db = db;
	}

	Flux<User> findAll() {
		return this.db.sql("SELECT id, username, role, created_at FROM users ORDER BY username")
			.map(UserStore::user)
			.all();
	}

	Mono<User> find(String username) {
		return this.db.sql("SELECT id, username, role, created_at FROM users WHERE username = :username")
			.bind("username", username)
			.map(UserStore::user)
			.one();
	}

	Mono<String> passwordHash(long id) {
		return this.db.sql("SELECT password_hash FROM users WHERE id = :id")
			.bind("id", id)
			.map((row) -> row.get("password_hash", String.class))
			.one();
	}

	Mono<User> insert(String username, String passwordHash, Role role, Instant createdAt) {
		return this.db
			.sql("INSERT INTO users (username, password_hash, role, created_at) "
					+ "VALUES (:username, :hash, :role, :createdAt) RETURNING id, username, role, created_at")
			.bind("username", username)
			.bind("hash", passwordHash)
			.bind("role", role.name())
			.bind("createdAt", createdAt.toString())
			.map(UserStore::user)
			.one();
	}

	Mono<Boolean> updatePassword(long id, String passwordHash) {
		return this.db.sql("UPDATE users SET password_hash = :hash WHERE id = :id")
			.bind("hash", passwordHash)
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	Mono<Boolean> delete(long id) {
		return this.db.sql("DELETE FROM users WHERE id = :id")
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	private static User user(Readable row) {
		return new User(row.get("id", Long.class), row.get("username", String.class),
				Role.valueOf(row.get("role", String.class)), Instant.parse(row.get("created_at", String.class)));
	}

}
