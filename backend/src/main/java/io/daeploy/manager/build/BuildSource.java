package io.daeploy.manager.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.eclipse.jgit.transport.URIish;

/**
 * Where the source of a build comes from.
 */
public sealed interface BuildSource {

	/** URL schemes a git source may use. */
	Set<String> GIT_SCHEMES = Set.of("http", "https", "git", "file");

	/**
	 * A git repository, cloned at a branch, tag or commit.
	 *
	 * @param url the repository; credentials may be embedded (never logged)
	 * @param ref a branch, tag or commit; the default branch when {@code null}
	 */
	record Git(String url, String ref) implements BuildSource {

		/**
		 * The URL without its password, for logs and reasons.
		 * @return the URL to show
		 */
		public String shownUrl() {
			try {
				return new URIish(this.url).toString();
			}
			catch (Exception ex) {
				return "(invalid URL)";
			}
		}

	}

	/**
	 * An uploaded {@code .tar} or {@code .tar.gz} of the source folder.
	 *
	 * @param file the upload
	 */
	record Archive(Path file) implements BuildSource {
	}

	/**
	 * An uploaded pickled model, rendered into a service from the template.
	 *
	 * @param file the pickle
	 * @param requirements what the model needs besides the template, one pip requirement
	 * each
	 */
	record Pickle(Path file, List<String> requirements) implements BuildSource {
	}

	/**
	 * Checks a git source before anything is done with it.
	 * @param url the repository URL
	 * @param ref the ref, or {@code null}
	 * @throws DaeployException {@code INVALID_SOURCE} naming {@code source.git.url} or
	 * {@code source.git.ref}
	 */
	static void checkGit(String url, String ref) {
		URIish uri;
		try {
			uri = (url != null && !url.isBlank() && url.strip().equals(url)) ? new URIish(url) : null;
		}
		catch (Exception ex) {
			uri = null;
		}
		if (uri == null || uri.getScheme() == null || !GIT_SCHEMES.contains(uri.getScheme())) {
			throw DaeployException.invalid(ErrorCode.INVALID_SOURCE, "source.git.url",
					"The git URL must be an http(s), git or file URL of a repository");
		}
		if (ref != null && (ref.isBlank() || ref.length() > 255 || ref.startsWith("-")
				|| !ref.matches("[\\p{Alnum}._/+@-]+") || ref.contains(".."))) {
			throw DaeployException.invalid(ErrorCode.INVALID_SOURCE, "source.git.ref",
					"The ref must be a branch, tag or commit name");
		}
	}

	/**
	 * Checks the requirements of a pickle source.
	 * @param requirements pip requirements
	 * @throws DaeployException {@code INVALID_INPUT} naming the bad one
	 */
	static void checkRequirements(List<String> requirements) {
		for (int i = 0; i < requirements.size(); i++) {
			String requirement = requirements.get(i);
			if (requirement == null || requirement.isBlank() || requirement.length() > 500
					|| requirement.chars().anyMatch(Character::isISOControl) || requirement.strip().startsWith("-")) {
				throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "source.pickle.requirements[" + i + "]",
						"A requirement is one pip requirement such as scikit-learn>=1.4, on one line, without options");
			}
		}
	}

}
