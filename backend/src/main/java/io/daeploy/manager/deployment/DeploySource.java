package io.daeploy.manager.deployment;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import io.daeploy.manager.build.BuildSource;
import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import io.daeploy.manager.runtime.RuntimeImages;
import io.daeploy.manager.upload.Uploads;

/**
 * The checked source of a deploy: exactly one of an existing image, a git repository, an
 * uploaded source archive, an uploaded pickle or an uploaded image.
 *
 * @param kind which source
 * @param image the image the version runs: the given one, or the one it is built as
 * @param field the input field that named an existing image ({@code image} or
 * {@code source.image})
 * @param shown the source as shown to users, without credentials
 * @param builder the builder of a build, else {@code null}
 * @param git the repository of a git source
 * @param uploadId the upload of an upload source
 * @param uploadField the input field that names the upload
 * @param requirements the requirements of a pickle
 */
record DeploySource(Kind kind, String image, String field, String shown, String builder, BuildSource.Git git,
		String uploadId, String uploadField, List<String> requirements) {

	private static final Pattern IMAGE = Pattern.compile("[^\\s\\x00]{1,255}");

	/**
	 * Which source.
	 */
	enum Kind {

		IMAGE, GIT, TAR, PICKLE, IMAGE_UPLOAD

	}

	/**
	 * Whether the deployment builds or loads its image itself.
	 * @return {@code true} for every source but an existing image
	 */
	boolean builds() {
		return this.kind != Kind.IMAGE;
	}

	/**
	 * Whether the deployment runs Source-to-Image.
	 * @return {@code true} for git, tar and pickle sources
	 */
	boolean isBuild() {
		return this.kind == Kind.GIT || this.kind == Kind.TAR || this.kind == Kind.PICKLE;
	}

	/**
	 * The source to build, once the upload is claimed.
	 * @param upload the claimed upload, for tar and pickle sources
	 * @return the build source
	 */
	BuildSource buildSource(Path upload) {
		return switch (this.kind) {
			case GIT -> this.git;
			case TAR -> new BuildSource.Archive(upload);
			case PICKLE -> new BuildSource.Pickle(upload, this.requirements);
			default -> throw new IllegalStateException(this.kind + " is not built");
		};
	}

	/**
	 * Checks a deploy's source.
	 * @param command the deploy
	 * @param images the runtime's images, for the name a build gets
	 * @param uploads the uploads
	 * @param defaultBuilder the builder when the deploy names none
	 * @return the source
	 * @throws DaeployException naming the field that is wrong
	 */
	static DeploySource resolve(DeployCommand command, RuntimeImages images, Uploads uploads, String defaultBuilder) {
		DeployCommand.Source source = command.source();
		if (command.image() != null && source != null) {
			throw DaeployException.invalid(ErrorCode.INVALID_SOURCE, "source", "Give either image or source, not both");
		}
		if (command.image() == null && source == null) {
			throw DaeployException.invalid(ErrorCode.INVALID_SOURCE, "source",
					"Give an image or a source (image, git, tar, pickle or imageUpload)");
		}
		String builder = command.builderImage();
		if (command.image() != null) {
			checkNoBuilder(builder);
			return new DeploySource(Kind.IMAGE, command.image(), "image", "image " + command.image(), null, null, null,
					null, List.of());
		}
		int given = count(source.image(), source.git(), source.tar(), source.pickle(), source.imageUpload());
		if (given != 1) {
			throw DaeployException.invalid(ErrorCode.INVALID_SOURCE, "source",
					"A source is exactly one of image, git, tar, pickle and imageUpload");
		}
		if (source.image() != null) {
			checkNoBuilder(builder);
			return new DeploySource(Kind.IMAGE, source.image(), "source.image", "image " + source.image(), null, null,
					null, null, List.of());
		}
		String target = images.imageName(command.name(), command.version());
		if (source.imageUpload() != null) {
			checkNoBuilder(builder);
			uploads.check(source.imageUpload().uploadId(), "source.imageUpload.uploadId");
			return new DeploySource(Kind.IMAGE_UPLOAD, target, null, "uploaded image", null, null,
					source.imageUpload().uploadId(), "source.imageUpload.uploadId", List.of());
		}
		if (builder != null && !IMAGE.matcher(builder).matches()) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "builderImage",
					"The builder must be an image reference such as daeploy/s2i-python, without spaces");
		}
		String used = (builder != null) ? builder : defaultBuilder;
		if (source.git() != null) {
			BuildSource.checkGit(source.git().url(), source.git().ref());
			BuildSource.Git git = new BuildSource.Git(source.git().url(), source.git().ref());
			return new DeploySource(Kind.GIT, target, null,
					"git " + git.shownUrl() + ((git.ref() != null) ? " at " + git.ref() : ""), used, git, null, null,
					List.of());
		}
		if (source.tar() != null) {
			uploads.check(source.tar().uploadId(), "source.tar.uploadId");
			return new DeploySource(Kind.TAR, target, null, "uploaded source archive", used, null,
					source.tar().uploadId(), "source.tar.uploadId", List.of());
		}
		List<String> requirements = (source.pickle().requirements() != null) ? source.pickle().requirements()
				: List.of();
		BuildSource.checkRequirements(requirements);
		uploads.check(source.pickle().uploadId(), "source.pickle.uploadId");
		return new DeploySource(Kind.PICKLE, target, null,
				"uploaded pickle" + (requirements.isEmpty() ? "" : " with " + String.join(", ", requirements)), used,
				null, source.pickle().uploadId(), "source.pickle.uploadId", List.copyOf(requirements));
	}

	private static void checkNoBuilder(String builder) {
		if (builder != null) {
			throw DaeployException.invalid(ErrorCode.INVALID_INPUT, "builderImage",
					"A builder is used only for a source that is built (git, tar or pickle)");
		}
	}

	private static int count(Object... values) {
		int count = 0;
		for (Object value : values) {
			if (value != null) {
				count++;
			}
		}
		return count;
	}

}
