package io.daeploy.manager.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The checks an uploaded source archive passes before anything is written.
 */
class ArchiveTreeTests {

	@TempDir
	Path temp;

	@Test
	void acceptsFilesFoldersAndLinksInsideAndReadsTheS2iFiles() throws IOException {
		Path archive = write(true, (tar) -> {
			add(tar, new TarArchiveEntry("./src/"), null);
			add(tar, new TarArchiveEntry("./src/app.py"), "print(1)");
			TarArchiveEntry link = new TarArchiveEntry("src/main.py", TarArchiveEntry.LF_SYMLINK);
			link.setLinkName("app.py");
			add(tar, link, null);
			TarArchiveEntry up = new TarArchiveEntry("src/sub/up", TarArchiveEntry.LF_SYMLINK);
			up.setLinkName("../app.py");
			add(tar, up, null);
			add(tar, new TarArchiveEntry(".s2i/environment"), "APP_FILE=src/app.py\n");
		});
		ArchiveTree tree = ArchiveTree.check(archive, 1024 * 1024);
		assertThat(new String(tree.file(".s2i/environment"))).isEqualTo("APP_FILE=src/app.py\n");
		assertThat(tree.file("src/app.py")).isNull();
	}

	@Test
	void refusesEscapesDevicesAndBombs() throws IOException {
		assertRefused(write(false, (tar) -> add(tar, new TarArchiveEntry("a/../../x"), "x")), "climbs out");
		assertRefused(write(false, (tar) -> add(tar, new TarArchiveEntry("/x", true), "x")), "absolute path");
		assertRefused(write(false, (tar) -> {
			TarArchiveEntry link = new TarArchiveEntry("a/l", TarArchiveEntry.LF_SYMLINK);
			link.setLinkName("../../x");
			add(tar, link, null);
		}), "points outside");
		assertRefused(write(false, (tar) -> {
			TarArchiveEntry link = new TarArchiveEntry("l", TarArchiveEntry.LF_SYMLINK);
			link.setLinkName("/etc/passwd");
			add(tar, link, null);
		}), "points outside");
		assertRefused(write(false, (tar) -> {
			TarArchiveEntry dot = new TarArchiveEntry("d", TarArchiveEntry.LF_SYMLINK);
			dot.setLinkName(".");
			add(tar, dot, null);
			TarArchiveEntry through = new TarArchiveEntry("t", TarArchiveEntry.LF_SYMLINK);
			through.setLinkName("d/../x");
			add(tar, through, null);
		}), "through another link");
		assertRefused(write(false, (tar) -> {
			TarArchiveEntry hard = new TarArchiveEntry("h", TarArchiveEntry.LF_LINK);
			hard.setLinkName("../../etc/shadow");
			add(tar, hard, null);
		}), "climbs out");
		assertRefused(write(false, (tar) -> add(tar, new TarArchiveEntry("fifo", TarArchiveEntry.LF_FIFO), null)),
				"FIFO");
		assertRefused(write(true, (tar) -> add(tar, new TarArchiveEntry("big"), "x".repeat(2048))), "unpacks to more");
	}

	@Test
	void refusesWhatIsNoTar() throws IOException {
		Path text = this.temp.resolve("text");
		Files.writeString(text, "hello ".repeat(200));
		assertRefused(text, "not a tar archive");
		Path empty = this.temp.resolve("empty");
		Files.write(empty, new byte[0]);
		assertRefused(empty, "not a tar archive");
		Path truncated = this.temp.resolve("truncated.gz");
		byte[] gzip = Files.readAllBytes(write(true, (tar) -> add(tar, new TarArchiveEntry("a"), "y".repeat(9000))));
		Files.write(truncated, java.util.Arrays.copyOf(gzip, gzip.length / 2));
		assertThatExceptionOfType(DaeployException.class).isThrownBy(() -> ArchiveTree.check(truncated, 1 << 20))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_SOURCE));
	}

	private static void assertRefused(Path archive, String reason) {
		assertThatExceptionOfType(DaeployException.class).isThrownBy(() -> ArchiveTree.check(archive, 1024))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
				assertThat(ex.getMessage()).contains(reason);
			});
	}

	interface Entries {

		void write(TarArchiveOutputStream tar) throws IOException;

	}

	private Path write(boolean gzip, Entries entries) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
				gzip ? new GzipCompressorOutputStream(bytes) : bytes)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			entries.write(tar);
			tar.finish();
		}
		Path file = Files.createTempFile(this.temp, "archive", gzip ? ".tar.gz" : ".tar");
		Files.write(file, bytes.toByteArray());
		return file;
	}

	private static void add(TarArchiveOutputStream tar, TarArchiveEntry entry, String content) {
		try {
			byte[] bytes = (content != null) ? content.getBytes() : null;
			if (bytes != null) {
				entry.setSize(bytes.length);
			}
			tar.putArchiveEntry(entry);
			if (bytes != null) {
				tar.write(bytes);
			}
			tar.closeArchiveEntry();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
