package io.daeploy.manager.licence;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issuer's command makes a key pair whose private half only its owner can read, and
 * licences the manager accepts with the public half, as JWK or PEM.
 */
class LicenceToolTests {

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private final LicenceTool tool = new LicenceTool(new PrintStream(this.out, true, StandardCharsets.UTF_8),
			new PrintStream(this.err, true, StandardCharsets.UTF_8), Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void keysThenIssueMakesALicenceTheManagerVerifies() throws Exception {
		assertThat(this.tool.run("keys", this.dir.toString())).isZero();
		Path privateKey = this.dir.resolve("licence-private.jwk");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey))).isEqualTo("rw-------");
		assertThat(Files.readString(this.dir.resolve("licence-public.jwk"))).doesNotContain("\"d\"");
		assertThat(Files.readString(this.dir.resolve("licence-public.pem"))).startsWith("-----BEGIN PUBLIC KEY-----");

		this.out.reset();
		assertThat(this.tool.run("issue", "--key", privateKey.toString(), "--holder", "ACME Ltd", "--expires",
				"2027-12-31", "--max-services", "20", "--max-users", "5"))
			.as(this.err.toString())
			.isZero();
		String key = this.out.toString(StandardCharsets.UTF_8).strip();
		for (String publicFile : new String[] { "licence-public.jwk", "licence-public.pem" }) {
			// the manager's own reading of DAEPLOY_LICENCE_PUBLIC_KEY, given the file's
			// path
			Licence licence = LicenceKeys.verify(key,
					LicenceService.publicKey(this.dir.resolve(publicFile).toString()));
			assertThat(licence.holder()).isEqualTo("ACME Ltd");
			assertThat(licence.expiresAt()).isEqualTo(Instant.parse("2027-12-31T00:00:00Z"));
			assertThat(licence.issuedAt()).isEqualTo(NOW);
			assertThat(licence.limits()).isEqualTo(new Licence.Limits(20, 5));
		}
		// and given the key's text itself
		assertThat(LicenceKeys
			.verify(key, LicenceService.publicKey(Files.readString(this.dir.resolve("licence-public.pem"))))
			.holder()).isEqualTo("ACME Ltd");

		this.out.reset();
		assertThat(this.tool.run("show", "--public-key", this.dir.resolve("licence-public.pem").toString(), key))
			.isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("holder:       ACME Ltd")
			.contains("max services: 20")
			.contains("max users:    5");
	}

	@Test
	void daysCountFromNowAndLimitsAreOptional() throws Exception {
		assertThat(this.tool.run("keys", this.dir.toString())).isZero();
		this.out.reset();
		assertThat(this.tool.run("issue", "--key", this.dir.resolve("licence-private.jwk").toString(), "--holder",
				"Trial", "--days", "14"))
			.isZero();
		Licence licence = LicenceKeys.verify(this.out.toString(StandardCharsets.UTF_8).strip(),
				LicenceService.publicKey(this.dir.resolve("licence-public.jwk").toString()));
		assertThat(licence.expiresAt()).isEqualTo(NOW.plus(14, ChronoUnit.DAYS));
		assertThat(licence.limits()).isEqualTo(Licence.Limits.NONE);
	}

	@Test
	void anExistingPrivateKeyIsNeverOverwritten() throws Exception {
		assertThat(this.tool.run("keys", this.dir.toString())).isZero();
		String before = Files.readString(this.dir.resolve("licence-private.jwk"));
		assertThat(this.tool.run("keys", this.dir.toString())).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("not overwritten");
		assertThat(Files.readString(this.dir.resolve("licence-private.jwk"))).isEqualTo(before);
	}

	@Test
	void badUsageExitsWithTwoAndSaysWhy() throws Exception {
		assertThat(this.tool.run()).isEqualTo(2);
		assertThat(this.tool.run("frobnicate")).isEqualTo(2);
		assertThat(this.tool.run("keys", this.dir.toString())).isZero();
		String privateKey = this.dir.resolve("licence-private.jwk").toString();
		this.err.reset();
		assertThat(this.tool.run("issue", "--key", privateKey, "--holder", "X")).isEqualTo(2);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--expires");
		assertThat(this.tool.run("issue", "--key", privateKey, "--holder", "X", "--days", "-3")).isEqualTo(2);
		assertThat(this.tool.run("issue", "--key", privateKey, "--holder", "X", "--expires", "tomorrow")).isEqualTo(2);
		assertThat(this.tool.run("issue", "--key", privateKey, "--holder", "X", "--days", "1", "--colour", "red"))
			.isEqualTo(2);
		// the public key cannot sign
		assertThat(this.tool.run("issue", "--key", this.dir.resolve("licence-public.jwk").toString(), "--holder", "X",
				"--days", "1"))
			.isEqualTo(1);
		assertThat(this.tool.run("show", "--public-key", this.dir.resolve("licence-public.jwk").toString(), "a.b.c"))
			.isEqualTo(1);
	}

}
