package io.daeploy.manager.build;

import java.io.IOException;

import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A checked source folder, wherever it comes from: an uploaded archive, a git checkout, a
 * rendered template.
 */
interface SourceTree {

	/**
	 * A small file of the source, such as {@code .s2i/environment}.
	 * @param path its path in the folder
	 * @return its bytes, or {@code null} when it is not there (or is not a plain file)
	 */
	byte[] file(String path);

	/**
	 * Copies the folder into a build context.
	 * @param out the context being written
	 * @param prefix the path in the context the folder goes to, ending with {@code /}
	 * @param owner who owns the copied files
	 * @throws IOException when reading the source fails
	 */
	void copyTo(TarArchiveOutputStream out, String prefix, ContextTar.Owner owner) throws IOException;

}
