package io.daeploy.manager.build;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the tar a build container receives at its destination ({@code /tmp}): the source
 * at {@code src/} and the source's own S2I scripts at {@code scripts/}, as S2I lays them
 * out.
 */
final class ContextTar {

	private ContextTar() {
	}

	/**
	 * Writes the context.
	 * @param file where to write it
	 * @param source the source folder
	 * @param scripts the source's own scripts by name ({@code assemble}, {@code run})
	 * @param owner who owns the files in the container
	 * @throws IOException when writing fails
	 */
	static void write(Path file, SourceTree source, Map<String, byte[]> scripts, Owner owner) throws IOException {
		try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
				TarArchiveOutputStream out = new TarArchiveOutputStream(raw)) {
			out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			directory(out, "src/", owner);
			source.copyTo(out, "src/", owner);
			if (!scripts.isEmpty()) {
				directory(out, "scripts/", owner);
				for (Map.Entry<String, byte[]> script : scripts.entrySet()) {
					TarArchiveEntry entry = new TarArchiveEntry("scripts/" + script.getKey());
					entry.setSize(script.getValue().length);
					entry.setMode(0100755);
					owner.apply(entry);
					out.putArchiveEntry(entry);
					out.write(script.getValue());
					out.closeArchiveEntry();
				}
			}
			out.finish();
		}
	}

	private static void directory(TarArchiveOutputStream out, String name, Owner owner) throws IOException {
		TarArchiveEntry entry = new TarArchiveEntry(name);
		entry.setMode(040775);
		owner.apply(entry);
		out.putArchiveEntry(entry);
		out.closeArchiveEntry();
	}

	/**
	 * A file's mode in the context: its permission bits, readable by everyone and
	 * writable by the owner's group (builders run as a user of group 0, as S2I's do).
	 */
	static int mode(int mode, boolean directory) {
		int permissions = (mode & 07777) | 0664;
		if (directory || (mode & 0111) != 0) {
			permissions |= 0111;
		}
		return permissions | (directory ? 040000 : 0100000);
	}

	/**
	 * Who owns the files in the build container.
	 *
	 * @param uid user id
	 * @param gid group id
	 */
	record Owner(long uid, long gid) {

		static final Owner ROOT = new Owner(0, 0);

		void apply(TarArchiveEntry entry) {
			entry.setUserId(this.uid);
			entry.setGroupId(this.gid);
			entry.setUserName("");
			entry.setGroupName("");
		}

		/**
		 * The owner for an image's user: its numeric ids, else root (a named user gets
		 * the files through the runtime's own mapping).
		 * @param user e.g. {@code 1001}, {@code 1001:0}, {@code app} or empty
		 * @return the owner
		 */
		static Owner of(String user) {
			if (user == null || user.isBlank()) {
				return ROOT;
			}
			String[] parts = user.split(":", 2);
			try {
				long uid = Long.parseLong(parts[0]);
				long gid = (parts.length > 1) ? Long.parseLong(parts[1]) : 0;
				return new Owner(uid, gid);
			}
			catch (NumberFormatException ex) {
				return ROOT;
			}
		}

	}

}
