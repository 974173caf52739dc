package io.daeploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A source folder as the {@code .tar.gz} a deploy uploads: the folder's contents at the
 * root of the archive, files with their executable bit, links as links (the manager
 * refuses those pointing out of the folder), written as it is read.
 */
final class SourceArchive {

	private SourceArchive() {
	}

	/**
	 * Writes a folder as a gzipped tar.
	 * @param folder the folder
	 * @param out where the archive goes (closed at the end)
	 * @throws IOException when the folder cannot be read or the archive written
	 */
	static void write(Path folder, OutputStream out) throws IOException {
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			for (Path path : entries(folder)) {
				String name = folder.relativize(path).toString().replace('\\', '/');
				if (Files.isSymbolicLink(path)) {
					TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
					entry.setLinkName(Files.readSymbolicLink(path).toString());
					tar.putArchiveEntry(entry);
					tar.closeArchiveEntry();
				}
				else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
					TarArchiveEntry entry = new TarArchiveEntry(name + "/");
					entry.setMode(0755);
					tar.putArchiveEntry(entry);
					tar.closeArchiveEntry();
				}
				else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
					TarArchiveEntry entry = new TarArchiveEntry(path.toFile(), name);
					entry.setMode(executable(path) ? 0755 : 0644);
					tar.putArchiveEntry(entry);
					try (InputStream in = Files.newInputStream(path)) {
						in.transferTo(tar);
					}
					tar.closeArchiveEntry();
				}
			}
			tar.finish();
		}
	}

	/**
	 * What the archive holds, parents before children, in a stable order.
	 * @param folder the folder
	 * @return every path below it
	 * @throws IOException when the folder cannot be read
	 */
	static List<Path> entries(Path folder) throws IOException {
		try (Stream<Path> paths = Files.walk(folder)) {
			return paths.filter((path) -> !path.equals(folder)).sorted().toList();
		}
	}

	private static boolean executable(Path path) throws IOException {
		if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			return Files.isExecutable(path);
		}
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
		return permissions.contains(PosixFilePermission.OWNER_EXECUTE);
	}

}
