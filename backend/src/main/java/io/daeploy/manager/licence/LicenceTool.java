package io.daeploy.manager.licence;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;

/**
 * Makes licence signing keys and licences, for whoever issues them; the manager never
 * runs it. {@code bin/daeploy-licence} runs it from the manager's jar: <pre>
 * daeploy-licence keys DIR
 * daeploy-licence issue --key DIR/licence-private.jwk --holder "ACME Ltd" --expires 2027-12-31
 *                       [--max-services N] [--max-users N]
 * daeploy-licence show --public-key DIR/licence-public.jwk KEY
 * </pre> {@code keys} writes a new P-256 key pair: {@code licence-private.jwk}
 * (owner-only; keep it secret and out of version control), and the public key as
 * {@code licence-public.jwk} and {@code licence-public.pem}, either of which
 * {@code DAEPLOY_LICENCE_PUBLIC_KEY} takes. {@code issue} prints a signed licence key;
 * {@code --days N} instead of {@code --expires} ends it N days from now. {@code show}
 * verifies a key and prints what it says.
 */
public final class LicenceTool {

	static final String USAGE = """
			Usage:
			  daeploy-licence keys DIR
			      Writes a new signing key pair: DIR/licence-private.jwk (owner-only: keep it
			      secret), DIR/licence-public.jwk and DIR/licence-public.pem (give either to
			      managers as DAEPLOY_LICENCE_PUBLIC_KEY).
			  daeploy-licence issue --key PRIVATE.jwk --holder NAME (--expires YYYY-MM-DD | --days N)
			                        [--max-services N] [--max-users N]
			      Prints a licence key signed with the private key. --expires ends it at the
			      start of that day (UTC).
			  daeploy-licence show --public-key PUBLIC.jwk|PUBLIC.pem KEY
			      Verifies a licence key and prints what it says.
			""";

	private final PrintStream out;

	private final PrintStream err;

	private final Clock clock;

	LicenceTool(PrintStream out, PrintStream err, Clock clock) {
		this.out = out;
		this.err = err;
		this.clock = clock;
	}

	public static void main(String[] args) {
		System.exit(new LicenceTool(System.out, System.err, Clock.systemUTC()).run(args));
	}

	/**
	 * Runs one command.
	 * @param args the command and its arguments
	 * @return the exit code: 0 when done, 1 when it failed, 2 for a usage error
	 */
	int run(String... args) {
		if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
			this.out.print(USAGE);
			return (args.length == 0) ? 2 : 0;
		}
		try {
			return switch (args[0]) {
				case "keys" -> keys(args);
				case "issue" -> issue(options(args));
				case "show" -> show(args);
				default -> usage("Unknown command " + args[0]);
			};
		}
		catch (UsageException ex) {
			return usage(ex.getMessage());
		}
		catch (IOException | RuntimeException ex) {
			this.err.println("daeploy-licence: " + ex.getMessage());
			return 1;
		}
	}

	private int keys(String[] args) throws IOException {
		if (args.length != 2) {
			throw new UsageException("keys takes one folder");
		}
		Path dir = Path.of(args[1]);
		Files.createDirectories(dir);
		Path privateFile = dir.resolve("licence-private.jwk");
		if (Files.exists(privateFile)) {
			throw new FileAlreadyExistsException(privateFile + " exists already; it is not overwritten");
		}
		ECKey key = LicenceKeys.generate();
		try {
			Files.createFile(privateFile,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		catch (UnsupportedOperationException ex) {
			Files.createFile(privateFile);
		}
		Files.writeString(privateFile, key.toJSONString() + "\n", StandardCharsets.UTF_8);
		Files.writeString(dir.resolve("licence-public.jwk"), key.toPublicJWK().toJSONString() + "\n",
				StandardCharsets.UTF_8);
		Files.writeString(dir.resolve("licence-public.pem"), LicenceKeys.toPem(key), StandardCharsets.UTF_8);
		this.out.println("Wrote " + privateFile + " (secret: keep it out of version control), "
				+ dir.resolve("licence-public.jwk") + " and " + dir.resolve("licence-public.pem"));
		return 0;
	}

	private int issue(Map<String, String> options) throws IOException {
		String keyFile = required(options, "--key");
		String holder = required(options, "--holder");
		JWK jwk;
		try {
			jwk = JWK.parse(Files.readString(Path.of(keyFile), StandardCharsets.UTF_8));
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException(keyFile + " is not a JWK: " + ex.getMessage(), ex);
		}
		if (!(jwk instanceof ECKey key) || !key.isPrivate()) {
			throw new IllegalArgumentException(keyFile + " is not a private EC key (made by `keys`)");
		}
		if (holder.isBlank() || holder.length() > LicenceKeys.MAX_HOLDER) {
			throw new UsageException("--holder takes 1 to " + LicenceKeys.MAX_HOLDER + " characters");
		}
		Instant now = this.clock.instant();
		Instant expires;
		if (options.containsKey("--expires") == options.containsKey("--days")) {
			throw new UsageException("Give one of --expires YYYY-MM-DD and --days N");
		}
		if (options.containsKey("--expires")) {
			try {
				expires = LocalDate.parse(options.get("--expires")).atStartOfDay(ZoneOffset.UTC).toInstant();
			}
			catch (DateTimeParseException ex) {
				throw new UsageException("--expires takes a date as YYYY-MM-DD");
			}
		}
		else {
			expires = now.plus(Duration.ofDays(number(options, "--days")));
		}
		Integer maxServices = options.containsKey("--max-services") ? number(options, "--max-services") : null;
		Integer maxUsers = options.containsKey("--max-users") ? number(options, "--max-users") : null;
		Licence licence = new Licence(UUID.randomUUID().toString(), holder, now, expires,
				new Licence.Limits(maxServices, maxUsers));
		this.out.println(LicenceKeys.sign(licence, key));
		return 0;
	}

	private int show(String[] args) throws IOException {
		if (args.length != 4 || !"--public-key".equals(args[1])) {
			throw new UsageException("show takes --public-key FILE KEY");
		}
		ECKey publicKey = LicenceKeys.parsePublicKey(Files.readString(Path.of(args[2]), StandardCharsets.UTF_8));
		Licence licence;
		try {
			licence = LicenceKeys.verify(args[3], publicKey);
		}
		catch (LicenceKeys.InvalidLicenceException ex) {
			this.err.println("daeploy-licence: invalid licence: " + ex.getMessage());
			return 1;
		}
		this.out.println("holder:       " + licence.holder());
		this.out.println("expires:      " + licence.expiresAt()
				+ (this.clock.instant().isBefore(licence.expiresAt()) ? "" : " (expired)"));
		this.out.println("issued:       " + licence.issuedAt());
		this.out.println("max services: " + orNone(licence.limits().maxServices()));
		this.out.println("max users:    " + orNone(licence.limits().maxUsers()));
		return 0;
	}

	private static String orNone(Integer limit) {
		return (limit != null) ? limit.toString() : "no limit";
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		List<String> known = List.of("--key", "--holder", "--expires", "--days", "--max-services", "--max-users");
		for (int i = 1; i < args.length; i += 2) {
			if (!known.contains(args[i])) {
				throw new UsageException("Unknown option " + args[i]);
			}
			if (i + 1 >= args.length) {
				throw new UsageException(args[i] + " needs a value");
			}
			if (options.put(args[i], args[i + 1]) != null) {
				throw new UsageException(args[i] + " is given twice");
			}
		}
		return options;
	}

	private static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null) {
			throw new UsageException(name + " is required");
		}
		return value;
	}

	private static int number(Map<String, String> options, String name) {
		try {
			int value = Integer.parseInt(options.get(name));
			if (value < 0) {
				throw new UsageException(name + " takes a whole number of 0 or more");
			}
			return value;
		}
		catch (NumberFormatException ex) {
			throw new UsageException(name + " takes a whole number of 0 or more");
		}
	}

	private int usage(String message) {
		this.err.println("daeploy-licence: " + message);
		this.err.print(USAGE);
		return 2;
	}

	private static final class UsageException extends RuntimeException {

		UsageException(String message) {
			super(message);
		}

	}

}
