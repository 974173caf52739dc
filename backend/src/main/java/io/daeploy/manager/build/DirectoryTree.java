package io.daeploy.manager.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A source folder on the manager's disk (a git checkout, a rendered template), copied
 * without following links; {@code .git} is left out.
 */
final class DirectoryTree implements SourceTree {

	private final Path root;

	private final long maxBytes;

	DirectoryTree(Path root, long maxBytes) {
		this.root = root;
		this.maxBytes = maxBytes;
	}

	@Override
	public byte[] file(String path) {
		Path file = this.root.resolve(path).normalize();
		if (!file.startsWith(this.root) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
			return null;
		}
		try {
			return (Files.size(file) <= 1024 * 1024) ? Files.readAllBytes(file) : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public void copyTo(TarArchiveOutputStream out, String prefix, ContextTar.Owner owner) throws IOException {
		long[] total = { 0 };
		Files.walkFileTree(this.root, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
				if (dir.equals(DirectoryTree.this.root)) {
					return FileVisitResult.CONTINUE;
				}
				if (dir.getFileName().toString().equals(".git") && dir.getParent().equals(DirectoryTree.this.root)) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				TarArchiveEntry entry = new TarArchiveEntry(prefix + relative(dir) + "/");
				entry.setMode(ContextTar.mode(mode(dir), true));
				owner.apply(entry);
				out.putArchiveEntry(entry);
				out.closeArchiveEntry();
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				TarArchiveEntry entry;
				if (attrs.isSymbolicLink()) {
					entry = new TarArchiveEntry(prefix + relative(file), TarArchiveEntry.LF_SYMLINK);
					entry.setLinkName(Files.readSymbolicLink(file).toString());
					entry.setMode(0120777);
				}
				else if (attrs.isRegularFile()) {
					total[0] += attrs.size();
					if (total[0] > DirectoryTree.this.maxBytes) {
						throw new DaeployException(ErrorCode.INVALID_SOURCE,
								"The source holds more than " + (DirectoryTree.this.maxBytes / (1024 * 1024)) + " MB");
					}
					entry = new TarArchiveEntry(prefix + relative(file));
					entry.setSize(attrs.size());
					entry.setMode(ContextTar.mode(mode(file), false));
				}
				else {
					return FileVisitResult.CONTINUE;
				}
				entry.setModTime(attrs.lastModifiedTime());
				owner.apply(entry);
				out.putArchiveEntry(entry);
				if (attrs.isRegularFile()) {
					try (InputStream in = Files.newInputStream(file)) {
						in.transferTo(out);
					}
				}
				out.closeArchiveEntry();
				return FileVisitResult.CONTINUE;
			}

		});
	}

	private String relative(Path path) {
		return this.root.relativize(path).toString().replace('\\', '/');
	}

	private static int mode(Path path) {
		try {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
			int mode = 0;
			for (PosixFilePermission permission : permissions) {
				mode |= 1 << (8 - permission.ordinal());
			}
			return mode;
		}
		catch (IOException | UnsupportedOperationException ex) {
			return 0644;
		}
	}

}
