package io.daeploy.manager.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Users: login, the admin's user administration, and each user's own password and API
 * tokens. Password hashing runs off the event loop.
 */
@Service
public class UserService implements SmartInitializingSingleton {

	static final String ADMIN = "admin";

	private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	private static final int MIN_PASSWORD = 8;

	private static final int MAX_PASSWORD_BYTES = 72;

	private static final Log logger = LogFactory.getLog(UserService.class);

	private final UserStore users;

	private final TokenService tokens;

	private final PasswordEncoder passwords;

	private final LoginThrottle throttle;

	private final DaeployProperties properties;

	private final Clock clock;

	private final String unknownUserHash;

	UserService(UserStore users, TokenService tokens, PasswordEncoder passwords, DaeployProperties properties,
			Clock clock) {
		this.users = users;
		this.tokens = tokens;
		this.passwords = passwords;
		this.properties = properties;
		this.clock = clock;
		this.throttle = new LoginThrottle(properties.auth().loginMaxFailures(), properties.auth().loginLockout(),
				clock);
		this.unknownUserHash = passwords.encode("not a password of anyone");
	}

	/** The most active API tokens one user may have, so the token list stays bounded. */
	static final int MAX_API_TOKENS = 100;

	/** Where a generated admin password is written, in the data directory. */
	static final String ADMIN_PASSWORD_FILE = "admin-password";

	/**
	 * Makes sure the admin user exists: with {@code DAEPLOY_ADMIN_PASSWORD} when set (and
	 * resets it to that when it differs), else with a random password written once to
	 * {@value #ADMIN_PASSWORD_FILE} in the data directory, readable by its owner only.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		String configured = this.properties.adminPassword();
		User admin = this.users.find(ADMIN).block();
		if (admin == null) {
			String password = (configured != null && !configured.isEmpty()) ? configured : randomPassword();
			this.users.insert(ADMIN, this.passwords.encode(password), Role.ADMIN, now()).block();
			if (configured == null || configured.isEmpty()) {
				// never in the log (any user can read the manager's log ring, and files
				// get shipped around): a file only its owner can read
				Path file = writeOwnerOnly(this.properties.dataDir().resolve(ADMIN_PASSWORD_FILE), password + "\n");
				logger.warn("Created user 'admin' with a generated password, written to " + file
						+ " (readable by its owner only; delete it once read, or set DAEPLOY_ADMIN_PASSWORD to"
						+ " choose the password)");
			}
			else {
				logger.info("Created user 'admin' with the password from DAEPLOY_ADMIN_PASSWORD");
			}
		}
		else if (configured != null && !configured.isEmpty()
				&& !this.passwords.matches(configured, this.users.passwordHash(admin.id()).block())) {
			this.users.updatePassword(admin.id(), this.passwords.encode(configured)).block();
			this.tokens.revokeAllOf(admin.id()).block();
			logger.warn("Reset the admin password from DAEPLOY_ADMIN_PASSWORD and revoked the admin's tokens");
		}
	}

	private static Path writeOwnerOnly(Path file, String content) {
		try {
			Path absolute = file.toAbsolutePath().normalize();
			Files.createDirectories(absolute.getParent());
			Files.deleteIfExists(absolute);
			Files.createFile(absolute,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(absolute, content);
			return absolute;
		}
		catch (IOException | UnsupportedOperationException ex) {
			throw new IllegalStateException("Cannot write the generated admin password to " + file, ex);
		}
	}

	/**
	 * Signs a user in.
	 * @param username user name
	 * @param password password
	 * @param address the caller's address, for throttling
	 * @return a new session token
	 */
	public Mono<Login> login(String username, String password, String address) {
		return Mono.defer(() -> {
			Duration wait = this.throttle.retryAfter(username, address);
			if (!wait.isZero()) {
				return Mono.error(new TooManyAttempts(wait));
			}
			// an unknown user costs one hash too, so timing does not tell which names
			// exist
			return this.users.find(username)
				.flatMap((user) -> this.users.passwordHash(user.id())
					.map((hash) -> Optional.of(user)
						.filter((known) -> !hash.isEmpty())
						.map((known) -> Map.entry(known, hash))))
				.defaultIfEmpty(Optional.empty())
				.flatMap((entry) -> matches(password, entry.map(Map.Entry::getValue).orElse(this.unknownUserHash))
					.filter((ok) -> ok && entry.isPresent())
					.map((ok) -> entry.get().getKey()))
				.flatMap((user) -> this.tokens.issueSession(user.id(), user.username(), user.role())
					.map((issued) -> new Login(issued.token(), issued.record().expiresAt(), user)))
				.doOnNext((login) -> this.throttle.succeeded(username, address))
				.switchIfEmpty(Mono.defer(() -> {
					this.throttle.failed(username, address);
					logger.info("Failed login for '" + shorten(username) + "' from " + address);
					return Mono
						.error(new DaeployException(ErrorCode.INVALID_CREDENTIALS, "Wrong user name or password"));
				}));
		});
	}

	/**
	 * Ends the caller's session.
	 * @return whether a session was revoked
	 */
	@PreAuthorize("isAuthenticated() and hasAnyRole('ADMIN', 'USER')")
	public Mono<Boolean> logout() {
		return Caller.current()
			.flatMap((caller) -> (caller.kind() == TokenKind.SESSION) ? this.tokens.revoke(caller.tokenId())
					: Mono.just(false));
	}

	/**
	 * The caller's user.
	 * @return the user, empty for service tokens and anonymous callers
	 */
	public Mono<User> currentUser() {
		return Caller.current()
			.filter((caller) -> caller.kind() == TokenKind.SESSION || caller.kind() == TokenKind.API)
			.flatMap((caller) -> this.users.find(caller.name()));
	}

	@PreAuthorize("hasRole('ADMIN')")
	public Flux<User> users() {
		return this.users.findAll();
	}

	@PreAuthorize("hasRole('ADMIN')")
	public Mono<User> createUser(String username, String password, Role role) {
		return Mono.defer(() -> {
			checkUsername(username);
			checkPassword("password", password);
			if (role == Role.SERVICE) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "role",
						"A user's role is ADMIN or USER; SERVICE is for service tokens");
			}
			return this.users.find(username)
				.flatMap((existing) -> Mono
					.<User>error(new DaeployException(ErrorCode.USER_EXISTS, "User " + username + " exists already")))
				.switchIfEmpty(Mono.defer(() -> hash(password)
					.flatMap((hash) -> this.users.insert(username, hash, (role != null) ? role : Role.USER, now()))));
		});
	}

	@PreAuthorize("hasRole('ADMIN')")
	public Mono<User> setPassword(String username, String password) {
		return Mono.defer(() -> {
			checkPassword("password", password);
			return findUser(username)
				.flatMap((user) -> hash(password).flatMap((hash) -> this.users.updatePassword(user.id(), hash))
					.then(this.tokens.revokeAllOf(user.id()))
					.thenReturn(user));
		});
	}

	@PreAuthorize("hasRole('ADMIN')")
	public Mono<String> deleteUser(String username) {
		if (ADMIN.equals(username)) {
			return Mono.error(new DaeployException(ErrorCode.ADMIN_PROTECTED, "The admin user cannot be deleted"));
		}
		return findUser(username).flatMap(
				(user) -> this.tokens.revokeAllOf(user.id()).then(this.users.delete(user.id())).thenReturn(username));
	}

	/**
	 * Changes the caller's own password and revokes their other sessions.
	 * @param currentPassword the password now
	 * @param newPassword the new password
	 * @return the user
	 */
	@PreAuthorize("isAuthenticated() and hasAnyRole('ADMIN', 'USER')")
	public Mono<User> changePassword(String currentPassword, String newPassword) {
		return Mono.defer(() -> {
			checkPassword("newPassword", newPassword);
			return currentUser().flatMap((user) -> this.users.passwordHash(user.id())
				.flatMap((hash) -> matches(currentPassword, hash))
				.flatMap((ok) -> ok ? hash(newPassword)
						: Mono.error(
								new DaeployException(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong")))
				.flatMap((hash) -> this.users.updatePassword(user.id(), hash))
				.thenReturn(user));
		});
	}

	/**
	 * The caller's API tokens.
	 * @return their tokens, newest first
	 */
	@PreAuthorize("isAuthenticated() and hasAnyRole('ADMIN', 'USER')")
	public Flux<IssuedToken> apiTokens() {
		return currentUser().flatMapMany((user) -> this.tokens.apiTokensOf(user.id()));
	}

	/**
	 * Creates an API token for the caller.
	 * @param name the token's label
	 * @param expiresInDays days until it expires, {@code null} for never
	 * @return the token
	 */
	@PreAuthorize("isAuthenticated() and hasAnyRole('ADMIN', 'USER')")
	public Mono<TokenService.Issued> createApiToken(String name, Integer expiresInDays) {
		return Mono.defer(() -> {
			if (name == null || name.isBlank() || name.length() > 100) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "name", "A token name has 1 to 100 characters");
			}
			if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > 3650)) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "expiresInDays",
						"A token expires in 1 to 3650 days, or never when left out");
			}
			return currentUser().flatMap((user) -> this.tokens.apiTokensOf(user.id()).count().flatMap((count) -> {
				if (count >= MAX_API_TOKENS) {
					return Mono.error(new DaeployException(ErrorCode.TOO_MANY,
							"You have " + count + " API tokens, the most one user may have; revoke some first"));
				}
				return this.tokens.issueApiToken(user.id(), user.username(), user.role(), name.strip(),
						(expiresInDays != null) ? Duration.ofDays(expiresInDays) : null);
			}));
		});
	}

	/**
	 * Revokes one of the caller's API tokens; an admin may revoke any user's.
	 * @param id the token's id
	 * @return the id
	 */
	@PreAuthorize("isAuthenticated() and hasAnyRole('ADMIN', 'USER')")
	public Mono<String> revokeApiToken(String id) {
		Mono<String> notFound = Mono.error(() -> new DaeployException(ErrorCode.TOKEN_NOT_FOUND, "No such token"));
		return Mono.zip(currentUser(), Caller.current())
			.flatMap((both) -> this.tokens.find(id)
				.filter((token) -> token.kind() == TokenKind.API)
				.filter((token) -> both.getT2().role() == Role.ADMIN || both.getT1().id() == token.userId()))
			.flatMap((token) -> this.tokens.revoke(token.id()).thenReturn(token.id()))
			.switchIfEmpty(notFound);
	}

	private Mono<User> findUser(String username) {
		return this.users.find(username)
			.switchIfEmpty(Mono.error(() -> new DaeployException(ErrorCode.USER_NOT_FOUND, "No user " + username)));
	}

	private Mono<Boolean> matches(String password, String hash) {
		return Mono.fromCallable(() -> this.passwords.matches(password, hash)).subscribeOn(Schedulers.boundedElastic());
	}

	private Mono<String> hash(String password) {
		return Mono.fromCallable(() -> this.passwords.encode(password)).subscribeOn(Schedulers.boundedElastic());
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
	}

	private static void checkUsername(String username) {
		if (username == null || !USERNAME.matcher(username).matches()) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "username",
					"A user name has 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter "
							+ "or digit");
		}
	}

	private static void checkPassword(String field, String password) {
		if (password == null || password.length() < MIN_PASSWORD
				|| password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, field, "A password has at least " + MIN_PASSWORD
					+ " characters and at most " + MAX_PASSWORD_BYTES + " bytes");
		}
	}

	private static String randomPassword() {
		String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
		SecureRandom random = new SecureRandom();
		StringBuilder password = new StringBuilder();
		for (int i = 0; i < 20; i++) {
			password.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return password.toString();
	}

	private static String shorten(String value) {
		return (value.length() > 64) ? value.substring(0, 64) + "..." : value;
	}

	/**
	 * A successful login.
	 *
	 * @param token the session token
	 * @param expiresAt when it expires
	 * @param user who signed in
	 */
	public record Login(String token, Instant expiresAt, User user) {
	}

	/**
	 * Refused because of too many failed logins.
	 */
	public static class TooManyAttempts extends DaeployException {

		private final Duration retryAfter;

		TooManyAttempts(Duration retryAfter) {
			super(ErrorCode.TOO_MANY_ATTEMPTS,
					"Too many failed logins; try again in " + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s");
			this.retryAfter = retryAfter;
		}

		public Duration retryAfter() {
			return this.retryAfter;
		}

		@Override
		public Map<String, Object> extensions() {
			return Map.of("retryAfterSeconds", Math.max(1, (this.retryAfter.toMillis() + 999) / 1000));
		}

	}

}
