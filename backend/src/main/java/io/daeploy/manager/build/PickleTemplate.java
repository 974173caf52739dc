package io.daeploy.manager.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;

/**
 * Renders a pickled model into a service folder from the template that ships with the
 * manager ({@code templates/pickle}): {@code service.py} serving {@code POST /predict},
 * the model at {@code models/model.pkl}, the deploy's requirements appended to
 * {@code requirements.txt}, and {@code .s2i/environment} naming {@code service.py}.
 */
final class PickleTemplate {

	static final List<String> FILES = List.of("service.py", "requirements.txt", "README.md", ".s2i/environment");

	private PickleTemplate() {
	}

	/**
	 * Renders the service.
	 * @param source the pickle and its requirements
	 * @param dir the folder to render into; must not exist
	 * @param maxBytes the largest pickle accepted
	 * @throws DaeployException {@code INVALID_SOURCE} when the pickle is too large
	 * @throws IOException when writing fails
	 */
	static void render(BuildSource.Pickle source, Path dir, long maxBytes) throws IOException {
		long size = Files.size(source.file());
		if (size > maxBytes) {
			throw new DaeployException(ErrorCode.INVALID_SOURCE, "The pickle is " + megabytes(size)
					+ " MB, over the limit of " + megabytes(maxBytes) + " MB (DAEPLOY_MAX_PICKLE_MB)");
		}
		if (size == 0) {
			throw new DaeployException(ErrorCode.INVALID_SOURCE, "The pickle is empty");
		}
		Files.createDirectories(dir.resolve(".s2i"));
		Files.createDirectories(dir.resolve("models"));
		for (String file : FILES) {
			try (InputStream in = PickleTemplate.class.getResourceAsStream("/templates/pickle/" + file)) {
				if (in == null) {
					throw new IOException("The pickle template lacks " + file);
				}
				Files.copy(in, dir.resolve(file));
			}
		}
		Files.copy(source.file(), dir.resolve("models/model.pkl"), StandardCopyOption.REPLACE_EXISTING);
		StringBuilder requirements = new StringBuilder();
		for (String requirement : source.requirements()) {
			requirements.append(requirement.strip()).append('\n');
		}
		Files.writeString(dir.resolve("requirements.txt"), requirements, StandardCharsets.UTF_8,
				StandardOpenOption.APPEND);
	}

	private static String megabytes(long bytes) {
		return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0)).replace(".0", "");
	}

}
