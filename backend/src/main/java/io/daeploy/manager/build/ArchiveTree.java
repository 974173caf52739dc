package io.daeploy.manager.build;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An uploaded {@code .tar} or {@code .tar.gz} of a source folder, checked whole before
 * anything is written: entries that would land outside the folder ({@code ../}, absolute
 * paths, links pointing out, entries below a link), device files and FIFOs are refused,
 * and so are archives that unpack to more than the limit. Nothing is unpacked on the
 * manager's disk: the checked entries are copied straight into the build context.
 */
final class ArchiveTree implements SourceTree {

	static final int MAX_ENTRIES = 100_000;

	private static final int MAX_SMALL_FILE = 1024 * 1024;

	private final Path archive;

	private final Map<String, byte[]> small;

	private ArchiveTree(Path archive, Map<String, byte[]> small) {
		this.archive = archive;
		this.small = small;
	}

	/**
	 * Checks an archive whole.
	 * @param archive the uploaded file
	 * @param maxBytes the most its files may hold, unpacked
	 * @return the checked tree
	 * @throws DaeployException {@code INVALID_SOURCE} saying what is wrong
	 */
	static ArchiveTree check(Path archive, long maxBytes) {
		Map<String, byte[]> small = new HashMap<>();
		Set<String> links = new HashSet<>();
		Set<String> files = new HashSet<>();
		long total = 0;
		int count = 0;
		try (TarArchiveInputStream tar = open(archive)) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				count++;
				if (count > MAX_ENTRIES) {
					throw invalid("The archive holds more than " + MAX_ENTRIES + " entries");
				}
				String name = normalize(entry.getName());
				if (name == null) {
					continue;
				}
				checkNotBelowLink(name, links);
				if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
					throw invalid("Entry '" + shorten(entry.getName()) + "' is a device file or FIFO; only files,"
							+ " folders and links inside the folder are accepted");
				}
				if (entry.isSymbolicLink()) {
					checkLinkTarget(name, entry.getLinkName(), links);
					links.add(name);
				}
				else if (entry.isLink()) {
					String target = normalize(entry.getLinkName());
					if (target == null || !files.contains(target)) {
						throw invalid("Hard link '" + shorten(entry.getName()) + "' points outside the folder or to no"
								+ " earlier file: '" + shorten(entry.getLinkName()) + "'");
					}
				}
				else if (entry.isFile()) {
					total += entry.getSize();
					if (total > maxBytes) {
						throw invalid("The archive unpacks to more than " + (maxBytes / (1024 * 1024)) + " MB");
					}
					files.add(name);
					if (wanted(name) && entry.getSize() <= MAX_SMALL_FILE) {
						small.put(name, tar.readAllBytes());
					}
				}
				else if (!entry.isDirectory()) {
					throw invalid("Entry '" + shorten(entry.getName()) + "' is of a kind that is not accepted");
				}
			}
		}
		catch (DaeployException ex) {
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			throw invalid("The archive is corrupt: " + ex.getMessage());
		}
		if (count == 0) {
			throw invalid("The archive holds no files");
		}
		return new ArchiveTree(archive, small);
	}

	private static boolean wanted(String name) {
		return name.equals(".s2i/environment") || name.startsWith(".s2i/bin/");
	}

	/**
	 * Opens an archive, gzip-compressed or not, after checking that it is a tar at all.
	 */
	private static TarArchiveInputStream open(Path archive) throws IOException {
		InputStream in = new BufferedInputStream(Files.newInputStream(archive), 64 * 1024);
		try {
			in.mark(2);
			int first = in.read();
			int second = in.read();
			in.reset();
			if (first == 0x1f && second == 0x8b) {
				try {
					in = new BufferedInputStream(new GzipCompressorInputStream(in, true), 64 * 1024);
				}
				catch (IOException ex) {
					throw invalid("The upload is not a valid gzip file: " + ex.getMessage());
				}
			}
			byte[] header = new byte[512];
			in.mark(512);
			int read;
			try {
				read = in.readNBytes(header, 0, header.length);
			}
			catch (IOException ex) {
				throw invalid("The upload is not a valid gzip file: " + ex.getMessage());
			}
			in.reset();
			if (read < 512 || !TarArchiveInputStream.matches(header, read)) {
				throw invalid("The upload is not a tar archive (a .tar or .tar.gz of the source folder)");
			}
			return new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
		}
		catch (IOException | RuntimeException ex) {
			in.close();
			throw ex;
		}
	}

	/**
	 * An entry name relative to the folder, or {@code null} for the folder itself.
	 * @throws DaeployException when it is absolute or climbs out
	 */
	static String normalize(String raw) {
		if (raw == null || raw.indexOf('\0') >= 0) {
			throw invalid("An entry has no valid name");
		}
		if (raw.startsWith("/") || raw.startsWith("\\") || raw.matches("^[A-Za-z]:.*")) {
			throw invalid("Entry '" + shorten(raw) + "' has an absolute path");
		}
		List<String> parts = new ArrayList<>();
		for (String part : raw.split("/")) {
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				throw invalid("Entry '" + shorten(raw) + "' climbs out of the folder ('..')");
			}
			parts.add(part);
		}
		return parts.isEmpty() ? null : String.join("/", parts);
	}

	private static void checkNotBelowLink(String name, Set<String> links) {
		int slash = name.indexOf('/');
		while (slash > 0) {
			if (links.contains(name.substring(0, slash))) {
				throw invalid("Entry '" + shorten(name) + "' lies below a link");
			}
			slash = name.indexOf('/', slash + 1);
		}
	}

	/**
	 * A link's target must stay inside the folder, resolved from the link's own folder,
	 * and must not pass through another link (which could lead anywhere).
	 */
	private static void checkLinkTarget(String name, String target, Set<String> links) {
		if (target == null || target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
			throw invalid("Link '" + shorten(name) + "' points outside the folder: '" + shorten(target) + "'");
		}
		List<String> path = new ArrayList<>(List.of(name.split("/")));
		path.remove(path.size() - 1);
		String[] parts = target.split("/");
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				if (path.isEmpty()) {
					throw invalid("Link '" + shorten(name) + "' points outside the folder: '" + shorten(target) + "'");
				}
				path.remove(path.size() - 1);
				continue;
			}
			path.add(part);
			if (i < parts.length - 1 && links.contains(String.join("/", path))) {
				throw invalid("Link '" + shorten(name) + "' points through another link: '" + shorten(target) + "'");
			}
		}
	}

	@Override
	public byte[] file(String path) {
		return this.small.get(path);
	}

	@Override
	public void copyTo(TarArchiveOutputStream out, String prefix, ContextTar.Owner owner) throws IOException {
		try (TarArchiveInputStream tar = open(this.archive)) {
			TarArchiveEntry entry;
			byte[] buffer = new byte[64 * 1024];
			while ((entry = tar.getNextEntry()) != null) {
				String name = normalize(entry.getName());
				if (name == null) {
					continue;
				}
				TarArchiveEntry copy;
				if (entry.isSymbolicLink()) {
					copy = new TarArchiveEntry(prefix + name, TarArchiveEntry.LF_SYMLINK);
					copy.setLinkName(entry.getLinkName());
				}
				else if (entry.isLink()) {
					copy = new TarArchiveEntry(prefix + name, TarArchiveEntry.LF_LINK);
					copy.setLinkName(prefix + normalize(entry.getLinkName()));
				}
				else if (entry.isDirectory()) {
					copy = new TarArchiveEntry(prefix + name + "/");
				}
				else {
					copy = new TarArchiveEntry(prefix + name);
					copy.setSize(entry.getSize());
				}
				copy.setMode(ContextTar.mode(entry.getMode(), entry.isDirectory()));
				copy.setModTime(entry.getModTime());
				owner.apply(copy);
				out.putArchiveEntry(copy);
				if (entry.isFile()) {
					int read;
					while ((read = tar.read(buffer)) > 0) {
						out.write(buffer, 0, read);
					}
				}
				out.closeArchiveEntry();
			}
		}
	}

	private static String shorten(String value) {
		if (value == null) {
			return "";
		}
		String printable = value.replaceAll("\\p{Cntrl}", "?");
		return (printable.length() > 100) ? printable.substring(0, 100) + "..." : printable;
	}

	private static DaeployException invalid(String message) {
		return new DaeployException(ErrorCode.INVALID_SOURCE, message);
	}

}
